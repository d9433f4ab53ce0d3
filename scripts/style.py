"""Plot style for every figure: one light and one dark theme.

Colours are the Okabe-Ito palette, readable by colour-blind readers; the
dark theme uses its lighter members. Lines also differ by dash pattern, so no
figure depends on colour alone. Backgrounds are transparent so figures sit on
the page's own background.
"""

from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design".
LIGHT_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
DARK_COLOURS = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00"]
DASHES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1))]

_COMMON = {
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "lines.linewidth": 2,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
    # Byte-identical SVG from run to run, with text as paths (no font needed).
    "svg.hashsalt": "nnlib-docs",
    "svg.fonttype": "path",
    "path.simplify": True,
}


def _theme(fg, grid, colours):
    return {
        **_COMMON,
        "text.color": fg,
        "axes.labelcolor": fg,
        "axes.edgecolor": fg,
        "xtick.color": fg,
        "ytick.color": fg,
        "grid.color": grid,
        "legend.labelcolor": fg,
        "axes.prop_cycle": cycler(color=colours) + cycler(linestyle=DASHES),
    }


THEMES = {
    "light": _theme("#1f2328", "#8c959f", LIGHT_COLOURS),
    "dark": _theme("#e6edf3", "#6e7681", DARK_COLOURS),
}
"""rcParams per theme; figure files are named ``<path>-<theme>.svg``."""


def style(i):
    """The i-th colour and dash of the current theme's cycle (inside a figure function)."""
    import matplotlib

    return list(matplotlib.rcParams["axes.prop_cycle"])[i]


def edge_style(weight, scale, min_width=0.7):
    """A weight as a line: sign by colour AND dash (readable without colour), size by width."""
    s = style(0 if weight >= 0 else 1)
    return {"color": s["color"], "linestyle": s["linestyle"],
            "linewidth": min_width + 2.8 * abs(weight) / scale}


def sign_legend(ax, **kw):
    """A legend for edge_style: sign by colour and dash, magnitude by width."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], **edge_style(1.0, 2.0), label="positive weight"),
               Line2D([], [], **edge_style(-1.0, 2.0), label="negative weight")]
    ax.legend(handles=handles, title="width ∝ |weight|", fontsize=9, title_fontsize=9, **kw)

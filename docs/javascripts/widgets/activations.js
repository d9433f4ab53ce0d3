// nnlib's elementwise activations and their derivatives, in double precision, with the same
// stable formulas as nnlib/activations.py (tests/test_widgets.py checks every one against
// nnlib to 1e-12 relative). f(z, p) and d(z, p) take the parameters p as an object.

const { abs, exp, expm1, log1p, max, min, sqrt, tanh, PI, SQRT1_2 } = Math;
const clip = (z, lo, hi) => min(max(z, lo), hi);

export const expit = (x) => 1 / (1 + exp(-x));  // as SciPy: 0 (not subnormal) below -709
const logExpit = (x) => (x < 0 ? x - log1p(exp(x)) : -log1p(exp(-x)));
const logAddExp0 = (x) => (x === 0 ? Math.LN2 : max(x, 0) + log1p(exp(-abs(x))));

// erf and erfc: W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-637, with the coefficients of his CALERF (Netlib SPECFUN):
// relative error below 1e-16 up to the first rounding of the last step.
const A = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2,
  3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
  2.84423683343917062e3];
const C = [5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1,
  2.98635138197400131e2, 8.81952221241769090e2, 1.71204761263407058e3,
  2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8];
const D = [1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
  1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
  3.43936767414372164e3, 1.23033935480374942e3];
const P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
  1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
  6.05183413124413191e-2, 2.33520497626869185e-3];
const ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;

function erfSmall(x) {  // |x| <= 0.5
  const y = x * x;
  let num = A[4] * y, den = y;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * y;
    den = (den + B[i]) * y;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

function erfcPositive(y) {  // y > 0.5; e^{-y^2} in two parts keeps its relative precision
  let r;
  if (y <= 4) {
    let num = C[8] * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    r = (num + C[7]) / (den + D[7]);
  } else {
    if (y >= 26.55) return 0;  // below the smallest float64
    const s = 1 / (y * y);
    let num = P[5] * s, den = s;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * s;
      den = (den + Q[i]) * s;
    }
    r = (ONE_OVER_SQRT_PI - (s * (num + P[4])) / (den + Q[4])) / y;
  }
  const head = Math.trunc(y * 16) / 16;
  return exp(-head * head) * exp(-(y - head) * (y + head)) * r;
}

export function erf(x) {
  if (abs(x) <= 0.5) return erfSmall(x);
  const r = 0.5 - erfcPositive(abs(x)) + 0.5;
  return x < 0 ? -r : r;
}

export function erfc(x) {
  if (abs(x) <= 0.5) return 1 - erfSmall(x);
  return x < 0 ? 2 - erfcPositive(-x) : erfcPositive(x);
}

// The standard normal CDF, as Cephes' ndtr (SciPy's): erf near 0, erfc in the tails.
export function ndtr(a) {
  const x = a * SQRT1_2, z = abs(x);
  if (z < SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(z);
  return x > 0 ? 1 - y : y;
}

// g' near one of its roots z0 = hi + lo: a Taylor series in d = z - z0 (see nnlib's _near_root).
function nearRoot(z, plain, [hi, lo], coeffs) {
  const d = (clip(z, hi - 1, hi + 1) - hi) - lo;
  if (!(abs(d) < 0.01)) return plain;
  let s = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) s = (s + coeffs[i]) * d;
  return s;
}

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768;
const SQRT_2_OVER_PI = sqrt(2 / PI);
const KAPPA = 0.044715;
const GELU_ROOT = [-0.7517915246935645, 1.4956759177009883e-17];
const GELU_SERIES = [0.4314939923140469, 0.388284982990552, -0.018199676398671087,
  -0.1140082332972217, -0.014771522148244337, 0.019421679838189067, 0.004539228379125415];
const GELU_TANH_ROOT = [-0.7524614220710163, 3.635560509207687e-17];
const GELU_TANH_SERIES = [0.4304000910248585, 0.38751844613578895, -0.01578285352184803,
  -0.11394448308095899, -0.01661932834305256, 0.019682309459833118, 0.005261059254921912];
const SILU_ROOT = [-1.2784645427610737, -1.0946994183093437e-16];
const SILU_SERIES = [0.2178117057198001, 0.1466487969969469, 0.018874814223782312,
  -0.015222655223188032, -0.006606589138356696, 0.000126627410081122, 0.0007985218818397998];
const MISH_ROOT = [-1.1924312145154952, -4.8484829848031044e-17];
const MISH_SERIES = [0.2669479140495345, 0.20473126408010586, 0.04190782104360987,
  -0.020271822716684245, -0.01582112656173338, -0.0033606849270232685, 0.0010924055409445854];

function geluTanhParts(z) {
  const zc = clip(z, -30, 30);
  const twoU = 2 * SQRT_2_OVER_PI * (zc + KAPPA * zc ** 3);
  return [zc, expit(twoU), expit(-twoU), 2 * SQRT_2_OVER_PI * (1 + 3 * KAPPA * zc ** 2)];
}

const softplusLinear = (z, p) => p.beta * z > p.threshold;
const mishSp = (zc) => -logExpit(-zc);

export const ACTIVATIONS = {
  sigmoid: { f: (z) => expit(z), d: (z) => expit(z) * expit(-z) },
  tanh: {
    f: (z) => tanh(z),
    d: (z) => {
      const e = exp(-2 * min(abs(z), 1000));
      return (4 * e) / (1 + e) ** 2;
    },
  },
  relu: { f: (z) => max(z, 0), d: (z) => (z > 0 ? 1 : 0) },
  leaky_relu: {
    params: { alpha: 0.01 },
    f: (z, p) => (z > 0 ? z : p.alpha * z),
    d: (z, p) => (z > 0 ? 1 : p.alpha),
  },
  elu: {
    params: { alpha: 1.0 },
    f: (z, p) => (z > 0 ? z : p.alpha * expm1(min(z, 0))),
    d: (z, p) => (z > 0 ? 1 : p.alpha * exp(min(z, 0))),
  },
  selu: {
    f: (z) => (z > 0 ? SELU_SCALE * z : SELU_SCALE_ALPHA * expm1(min(z, 0))),
    d: (z) => (z > 0 ? SELU_SCALE : SELU_SCALE_ALPHA * exp(min(z, 0))),
  },
  gelu: {
    params: { approximate: "none" },
    f: (z, p) => {
      if (p.approximate === "tanh") {
        const [zc, s] = geluTanhParts(z);
        return z > 30 ? z : zc * s;
      }
      const zc = clip(z, -40, 40);
      return z > 40 ? z : zc * ndtr(zc);
    },
    d: (z, p) => {
      if (p.approximate === "tanh") {
        const [zc, s, sMinus, twoDu] = geluTanhParts(z);
        return nearRoot(z, s + zc * s * sMinus * twoDu, GELU_TANH_ROOT, GELU_TANH_SERIES);
      }
      const zc = clip(z, -40, 40);
      const pdf = exp(-(zc ** 2) / 2) / sqrt(2 * PI);
      return nearRoot(z, ndtr(zc) + zc * pdf, GELU_ROOT, GELU_SERIES);
    },
  },
  silu: {
    f: (z) => z * expit(z),
    d: (z) => {
      const zc = clip(z, -800, 800);
      return nearRoot(z, expit(zc) * (1 + zc * expit(-zc)), SILU_ROOT, SILU_SERIES);
    },
  },
  softplus: {
    params: { beta: 1.0, threshold: 20.0 },
    f: (z, p) => (softplusLinear(z, p) ? z : logAddExp0(p.beta * z) / p.beta),
    d: (z, p) => (softplusLinear(z, p) ? 1 : expit(p.beta * z)),
  },
  mish: {
    f: (z) => {
      const zc = clip(z, -800, 800);
      return z > 800 ? z : zc * tanh(mishSp(zc));
    },
    d: (z) => {
      const zc = clip(z, -800, 800), sp = mishSp(zc);
      const sech2 = 4 * expit(2 * sp) * expit(-2 * sp);
      return nearRoot(z, tanh(sp) + zc * expit(zc) * sech2, MISH_ROOT, MISH_SERIES);
    },
  },
  softsign: {
    f: (z) => {
      const a = abs(z), inside = clip(z, -1, 1);
      return a < 1 ? inside / (1 + abs(inside)) : Math.sign(z) * (1 - 1 / (1 + a));
    },
    d: (z) => (1 / (1 + abs(z))) ** 2,
  },
  hardsigmoid: { f: (z) => clip(z + 3, 0, 6) / 6, d: (z) => (z > -3 && z < 3 ? 1 / 6 : 0) },
  hardswish: {
    f: (z) => {
      const zc = clip(z, -3, 3);
      return z > 3 ? z : (zc * (zc + 3)) / 6;
    },
    d: (z) => (z < -3 ? 0 : z > 3 ? 1 : (2 * clip(z, -3, 3) + 3) / 6),
  },
  identity: { f: (z) => z, d: () => 1 },
};

// The activation called name, with parameters p (missing ones take nnlib's defaults).
export function activation(name, p = {}) {
  const act = ACTIVATIONS[name];
  if (!act) throw new Error(`unknown activation ${name}`);
  const params = { ...act.params, ...p };
  return { f: (z) => act.f(z, params), d: (z) => act.d(z, params) };
}

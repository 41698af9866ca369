// Black–Scholes–Merton with a continuous dividend yield, in Schwab's units: theta per calendar day, vega per
// volatility point, rho per rate point.

export interface OptionValue {
  price: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  rho: number;
}

export interface OptionInputs {
  call: boolean;
  spot: number;
  strike: number;
  /** Years to expiration. */
  years: number;
  /** Continuously compounded rate, 0.045 = 4.5 %. */
  rate: number;
  dividendYield: number;
  /** 0.29 = 29 %. */
  volatility: number;
}

/** Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

export function normCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export function blackScholes({ call, spot, strike, years, rate, dividendYield, volatility }: OptionInputs): OptionValue {
  if (years <= 0 || volatility <= 0) {
    const intrinsic = Math.max(0, call ? spot - strike : strike - spot);
    const itm = intrinsic > 0;
    return { price: intrinsic, delta: itm ? (call ? 1 : -1) : 0, gamma: 0, theta: 0, vega: 0, rho: 0 };
  }
  const sqrtT = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate - dividendYield + 0.5 * volatility * volatility) * years) / (volatility * sqrtT);
  const d2 = d1 - volatility * sqrtT;
  const carry = Math.exp(-dividendYield * years);
  const discount = Math.exp(-rate * years);
  const pdf = normPdf(d1);
  const gamma = (carry * pdf) / (spot * volatility * sqrtT);
  const vega = (spot * carry * pdf * sqrtT) / 100;
  const decay = -(spot * carry * pdf * volatility) / (2 * sqrtT);
  if (call) {
    const price = spot * carry * normCdf(d1) - strike * discount * normCdf(d2);
    const theta = (decay - rate * strike * discount * normCdf(d2) + dividendYield * spot * carry * normCdf(d1)) / 365;
    return { price, delta: carry * normCdf(d1), gamma, theta, vega, rho: (strike * years * discount * normCdf(d2)) / 100 };
  }
  const price = strike * discount * normCdf(-d2) - spot * carry * normCdf(-d1);
  const theta = (decay + rate * strike * discount * normCdf(-d2) - dividendYield * spot * carry * normCdf(-d1)) / 365;
  return { price, delta: -carry * normCdf(-d1), gamma, theta, vega, rho: -(strike * years * discount * normCdf(-d2)) / 100 };
}

/**
 * The volatility at which the model price equals `price`, by bisection up to 10 000 % (Schwab reports IVs in the
 * thousands for deep in-the-money contracts whose mark sits above intrinsic value). Undefined when no volatility
 * reproduces the price (a mark below the zero-volatility value).
 */
export function impliedVolatility(price: number, inputs: Omit<OptionInputs, 'volatility'>, guess = 0.3): number | undefined {
  let low = 1e-4;
  let high = 100;
  const at = (volatility: number): number => blackScholes({ ...inputs, volatility }).price;
  if (price < at(low) - 1e-9 || price > at(high)) return undefined;
  // Newton from the guess converges in a few steps for ordinary contracts; bisection is the fallback.
  let sigma = guess;
  for (let i = 0; i < 8; i++) {
    const value = blackScholes({ ...inputs, volatility: sigma });
    const diff = value.price - price;
    if (Math.abs(diff) < 1e-7) return sigma;
    const vega = value.vega * 100;
    if (vega < 1e-8) break;
    sigma -= diff / vega;
    if (!(sigma > low && sigma < high)) break;
  }
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (at(mid) < price) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

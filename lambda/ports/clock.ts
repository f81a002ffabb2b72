/** The time, as a port: the Lambda reads the system clock, the backtest and tests set it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

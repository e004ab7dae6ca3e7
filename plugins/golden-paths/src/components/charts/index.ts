export { ChartFigure } from './ChartFigure';
export type { ChartTable } from './ChartFigure';
export { Sparkline } from './Sparkline';

export * from './analytics.module';
export { createFiguresConsumer } from './figures/analytics.consumer';
export { CASE_FACTS, evolveCaseFacts, type CaseFacts } from './figures/case-facts.projection';
export { figures, type FigureRow, type GroupBy } from './figures/figures';

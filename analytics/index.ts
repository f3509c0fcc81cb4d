// Analytics: read-only SQL over all tables for reports and dashboards (volume, containment, first response time,
// resolution, CSAT, SLA, QA trends). Not built yet; it will never import another module's internals.
export {};

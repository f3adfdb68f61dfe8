// The daemon's HTTP surface and its metrics.
export { startHttpServer } from "./server.ts";
export type { HttpDeps, HttpServer, HttpServerOptions } from "./server.ts";
export { DEFAULT_LISTEN, listenUrl, parseListen } from "./listen.ts";
export type { ListenAddress } from "./listen.ts";
export { evaluateReadiness, pingStore } from "./ready.ts";
export type { ReadyInfo, Readiness } from "./ready.ts";
export { EngineMetrics } from "./metrics.ts";
export type { EngineInfo, MetricsOptions, TickReport, WarmupMetricRow } from "./metrics.ts";
export { conditions, statusDocument, statusEntry } from "./status.ts";
export type { Condition, StatusDocument, StatusEntry } from "./status.ts";
export { HttpProblem, sendProblem } from "./module.ts";
export type { HttpModule } from "./module.ts";

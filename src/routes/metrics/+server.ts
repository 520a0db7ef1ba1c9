/** @file GET /metrics: Prometheus metrics of this node (tasks by state, job durations, audio seconds). */
import { metricsResponse } from '$lib/server/metrics';
import { service } from '$lib/server/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => metricsResponse(service().metrics);

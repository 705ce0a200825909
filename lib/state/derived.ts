// Derived metrics and colour rules of CONTRACTS section 4 as pure functions of one bin's values.
// Missing and non-finite inputs are `null`, and every rule says when its result is `null`.
import type { TopologyNodeKind } from "../model/types.ts";
import type { NodeColor, NodeDerived, StateValue } from "./types.ts";

/** Utilisation below this is green. */
export const UTILIZATION_GREEN_BELOW = 0.7;
/** Utilisation below this (and not green) is yellow; at or above it, red. */
export const UTILIZATION_YELLOW_BELOW = 0.9;
/** Latency up to `slaMin` times this (and above `slaMin`) is yellow; above it, red. */
export const SLA_YELLOW_FACTOR = 1.5;

/**
 * A value as responses show it: finite numbers unchanged, anything else `null`.
 * @param value a number, or undefined/null when missing
 * @returns the number, or null
 */
export function finiteOrNull(value: number | null | undefined): StateValue {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Utilisation `served / capacity`. Counts cannot be negative: a negative served (e.g. from
 * negative arrivals in a model or a capture) gives no utilisation rather than a negative one
 * that would colour the node green.
 * @param served served in the bin
 * @param capacity capacity in the bin
 * @returns the ratio, or null when capacity is missing or <= 0 or served is missing or < 0
 */
export function utilizationOf(served: StateValue, capacity: StateValue): StateValue {
  if (served === null || served < 0 || capacity === null || capacity <= 0) return null;
  return finiteOrNull(served / capacity);
}

/**
 * Latency by Little's law, `queue / served * binMinutes`.
 * @param queue queue depth in the bin
 * @param served served in the bin
 * @param binMinutes length of a bin in minutes
 * @returns minutes, or null when served is missing or <= 0 or the queue is missing or < 0
 */
export function latencyMinutesOf(
  queue: StateValue,
  served: StateValue,
  binMinutes: number,
): StateValue {
  if (queue === null || queue < 0 || served === null || served <= 0) return null;
  return finiteOrNull((queue / served) * binMinutes);
}

/**
 * Throughput ratio `served / arrivals` (not clamped: above 1 when a backlog drains).
 * @param served served in the bin
 * @param arrivals arrivals in the bin
 * @returns the ratio, or null when arrivals is 0, either value is missing or either is < 0
 */
export function throughputRatioOf(served: StateValue, arrivals: StateValue): StateValue {
  if (served === null || arrivals === null || arrivals <= 0 || served < 0) return null;
  return finiteOrNull(served / arrivals);
}

/**
 * Whether a node kind is coloured by latency against its SLA (queues and dead-letter queues)
 * rather than by utilisation (services and sinks).
 * @param kind topology node kind
 * @returns true for `queue` and `dlq`
 */
export function usesQueueColor(kind: TopologyNodeKind): boolean {
  return kind === "queue" || kind === "dlq";
}

/**
 * Colour of a service by utilisation: gray when unknown, green below 0.7, yellow below 0.9,
 * red otherwise.
 * @param utilization utilisation in the bin
 * @returns the colour
 */
export function serviceColor(utilization: StateValue): NodeColor {
  if (utilization === null) return "gray";
  if (utilization < UTILIZATION_GREEN_BELOW) return "green";
  if (utilization < UTILIZATION_YELLOW_BELOW) return "yellow";
  return "red";
}

/**
 * Colour of a queue by latency against its SLA: gray without latency or SLA (or an SLA of 0 or
 * less, as FlowTime's ColoringRules), green up to `slaMin`, yellow up to 1.5 x `slaMin`, red
 * above.
 * @param latencyMinutes latency in the bin (undefined for nodes without a queue)
 * @param slaMin latency target in minutes, if declared
 * @returns the colour
 */
export function queueColor(
  latencyMinutes: StateValue | undefined,
  slaMin: number | undefined,
): NodeColor {
  if (
    latencyMinutes === null || latencyMinutes === undefined || slaMin === undefined ||
    slaMin <= 0
  ) {
    return "gray";
  }
  if (latencyMinutes <= slaMin) return "green";
  if (latencyMinutes <= SLA_YELLOW_FACTOR * slaMin) return "yellow";
  return "red";
}

/** One bin's raw values of a node, as {@link deriveMetrics} needs them. */
export interface BinValues {
  /** Arrivals. */
  arrivals: StateValue;
  /** Served. */
  served: StateValue;
  /** Queue depth; undefined when the node has no queue. */
  queue?: StateValue;
  /** Capacity; undefined when the node declares none. */
  capacity?: StateValue;
}

/** Node facts the derived metrics depend on. */
export interface DeriveContext {
  /** Topology node kind. */
  kind: TopologyNodeKind;
  /** Length of a bin in minutes. */
  binMinutes: number;
  /** Latency target in minutes, if declared. */
  slaMin?: number;
}

/**
 * All derived metrics of a node in one bin. `latencyMinutes` is present only for nodes with
 * a queue.
 * @param values the bin's raw values
 * @param context node kind, bin length and SLA
 * @returns utilisation, latency, throughput ratio and colour
 */
export function deriveMetrics(values: BinValues, context: DeriveContext): NodeDerived {
  const utilization = utilizationOf(values.served, values.capacity ?? null);
  const latencyMinutes = values.queue === undefined
    ? undefined
    : latencyMinutesOf(values.queue, values.served, context.binMinutes);
  const throughputRatio = throughputRatioOf(values.served, values.arrivals);
  const color = usesQueueColor(context.kind)
    ? queueColor(latencyMinutes, context.slaMin)
    : serviceColor(utilization);
  return latencyMinutes === undefined
    ? { utilization, throughputRatio, color }
    : { utilization, latencyMinutes, throughputRatio, color };
}

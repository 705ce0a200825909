// Derived metrics and colour bands of CONTRACTS section 4, with hand-computed expectations.
import assert from "node:assert/strict";
import {
  deriveMetrics,
  finiteOrNull,
  latencyMinutesOf,
  queueColor,
  serviceColor,
  throughputRatioOf,
  utilizationOf,
} from "../../lib/state/derived.ts";

Deno.test("utilization is served / capacity", () => {
  assert.equal(utilizationOf(13, 13), 1);
  assert.equal(utilizationOf(7, 10), 0.7);
  assert.equal(utilizationOf(15, 10), 1.5);
  assert.equal(utilizationOf(0, 10), 0);
});

Deno.test("utilization is null when capacity is missing, 0 or negative", () => {
  assert.equal(utilizationOf(5, null), null);
  assert.equal(utilizationOf(5, 0), null);
  assert.equal(utilizationOf(5, -2), null);
});

Deno.test("utilization is null when served is missing (NaN in telemetry mode)", () => {
  assert.equal(utilizationOf(null, 10), null);
});

Deno.test("latency is queue / served x bin minutes (Little's law)", () => {
  assert.equal(latencyMinutesOf(10, 4, 5), 12.5);
  assert.equal(latencyMinutesOf(9, 6, 60), 90);
  assert.equal(latencyMinutesOf(0, 3, 5), 0);
});

Deno.test("latency is null when served is 0 or negative", () => {
  assert.equal(latencyMinutesOf(10, 0, 5), null);
  assert.equal(latencyMinutesOf(10, -1, 5), null);
});

Deno.test("latency is null when queue or served is missing", () => {
  assert.equal(latencyMinutesOf(null, 4, 5), null);
  assert.equal(latencyMinutesOf(10, null, 5), null);
});

Deno.test("throughput ratio is served / arrivals, not clamped", () => {
  assert.equal(throughputRatioOf(13, 20), 0.65);
  assert.equal(throughputRatioOf(6, 4), 1.5);
  assert.equal(throughputRatioOf(0, 8), 0);
});

Deno.test("throughput ratio is null when arrivals is 0 or either value is missing", () => {
  assert.equal(throughputRatioOf(5, 0), null);
  assert.equal(throughputRatioOf(0, 0), null);
  assert.equal(throughputRatioOf(null, 4), null);
  assert.equal(throughputRatioOf(4, null), null);
});

Deno.test("service colour bands: gray when unknown, green < 0.7, yellow < 0.9, red from 0.9", () => {
  assert.equal(serviceColor(null), "gray");
  assert.equal(serviceColor(0), "green");
  assert.equal(serviceColor(0.69), "green");
  assert.equal(serviceColor(0.7), "yellow");
  assert.equal(serviceColor(0.89), "yellow");
  assert.equal(serviceColor(0.9), "red");
  assert.equal(serviceColor(1.4), "red");
});

Deno.test("queue colour bands: green <= slaMin, yellow <= 1.5 x slaMin, red above", () => {
  assert.equal(queueColor(0, 10), "green");
  assert.equal(queueColor(10, 10), "green");
  assert.equal(queueColor(10.01, 10), "yellow");
  assert.equal(queueColor(15, 10), "yellow");
  assert.equal(queueColor(15.01, 10), "red");
});

Deno.test("queue colour is gray without latency, without slaMin, or with slaMin <= 0", () => {
  assert.equal(queueColor(null, 10), "gray");
  assert.equal(queueColor(undefined, 10), "gray");
  assert.equal(queueColor(3, undefined), "gray");
  // FlowTime's ColoringRules.PickQueueColor (3166256c): an SLA of 0 gives no colour.
  assert.equal(queueColor(0, 0), "gray");
  assert.equal(queueColor(3, 0), "gray");
});

Deno.test("non-finite values are shown as null", () => {
  assert.equal(finiteOrNull(NaN), null);
  assert.equal(finiteOrNull(Infinity), null);
  assert.equal(finiteOrNull(-Infinity), null);
  assert.equal(finiteOrNull(undefined), null);
  assert.equal(finiteOrNull(2.5), 2.5);
});

Deno.test("a service with capacity gets utilisation, throughput ratio and a colour, no latency", () => {
  // OrderService, queue-buffer bin 4: arrivals 20, served 13, capacity 13.
  assert.deepEqual(
    deriveMetrics({ arrivals: 20, served: 13, capacity: 13 }, { kind: "service", binMinutes: 5 }),
    { utilization: 1, throughputRatio: 0.65, color: "red" },
  );
});

Deno.test("a service without capacity is gray with null utilisation", () => {
  assert.deepEqual(
    deriveMetrics({ arrivals: 120, served: 118 }, { kind: "service", binMinutes: 5 }),
    { utilization: null, throughputRatio: 118 / 120, color: "gray" },
  );
});

Deno.test("a queue is coloured by latency against slaMin", () => {
  // SupportQueue, queue-buffer bin 6: queue 11, served 4, 5-minute bins -> 13.75 min; sla 10.
  assert.deepEqual(
    deriveMetrics(
      { arrivals: 5, served: 4, queue: 11 },
      { kind: "queue", binMinutes: 5, slaMin: 10 },
    ),
    { utilization: null, latencyMinutes: 13.75, throughputRatio: 0.8, color: "yellow" },
  );
});

Deno.test("a queue that serves nothing in a bin has null latency and is gray", () => {
  // SupportQueue, queue-buffer bin 5: queue 10, served 0, arrivals 8.
  assert.deepEqual(
    deriveMetrics(
      { arrivals: 8, served: 0, queue: 10 },
      { kind: "queue", binMinutes: 5, slaMin: 10 },
    ),
    { utilization: null, latencyMinutes: null, throughputRatio: 0, color: "gray" },
  );
});

Deno.test("a dlq uses the queue colour rule and a sink the service rule", () => {
  assert.equal(
    deriveMetrics({ arrivals: 1, served: 1, queue: 1 }, { kind: "dlq", binMinutes: 60, slaMin: 30 })
      .color,
    "red",
  );
  assert.equal(
    deriveMetrics({ arrivals: 4, served: 4, capacity: 10 }, { kind: "sink", binMinutes: 5 }).color,
    "green",
  );
});

Deno.test("NaN inputs in telemetry mode give null derived metrics and gray", () => {
  assert.deepEqual(
    deriveMetrics(
      { arrivals: null, served: null, queue: null, capacity: 20 },
      { kind: "queue", binMinutes: 15, slaMin: 30 },
    ),
    { utilization: null, latencyMinutes: null, throughputRatio: null, color: "gray" },
  );
});

// @upstash/realtime set up as its quickstart shows (schema of events, a Redis client), on the local Upstash endpoint.
import { Realtime } from "@upstash/realtime";
import { Redis } from "@upstash/redis";
import { z } from "zod";

const schema = {
  notification: {
    alert: z.object({ t: z.number(), pad: z.string() }),
  },
};

export const realtime = new Realtime({
  schema,
  redis: new Redis({ url: process.env.UPSTASH_REDIS_REST_URL!, token: process.env.UPSTASH_REDIS_REST_TOKEN! }),
  maxDurationSecs: 300,
});

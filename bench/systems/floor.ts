// System 1, the floor: a bare node:http server writing each event to every stream at once (GET /events, POST /publish).
import { serveBareSse } from "./bare-sse";

serveBareSse((frame, streams) => {
  for (const stream of streams) stream.write(frame);
});

// The client address behind the proxies you run is never one the client wrote.
import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER } from "./peer-address";

const from = (xff: string | null) => new Headers({ [PEER_ADDRESS_HEADER]: "10.0.0.9", ...(xff === null ? {} : { "x-forwarded-for": xff }) });

describe("clientAddress", () => {
  it("takes the entry TRUST_PROXY places from the right: what the first proxy you run appended", () => {
    // nginx's $proxy_add_x_forwarded_for after a client that wrote its own entries.
    expect(clientAddress(from("6.6.6.6, 7.7.7.7, 203.0.113.5"), 1)).toBe("203.0.113.5");
    // Two proxies (a load balancer, then nginx): nginx appended the balancer's address.
    expect(clientAddress(from("6.6.6.6, 203.0.113.5, 10.0.0.2"), 2)).toBe("203.0.113.5");
    expect(clientAddress(from("203.0.113.5"), 1)).toBe("203.0.113.5");
  });

  it("falls back to the socket's address when no proxy of yours wrote the header, or none is trusted", () => {
    expect(clientAddress(from("6.6.6.6"), 2)).toBe("10.0.0.9");
    expect(clientAddress(from(null), 1)).toBe("10.0.0.9");
    expect(clientAddress(from("6.6.6.6"), 0)).toBe("10.0.0.9");
  });
});

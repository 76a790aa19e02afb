// POST /api/hooks/alertmanager and /api/hooks/grafana: an admin's API token,
// a payload of alerts, one notification each.
import "server-only";
import { apiHandler } from "../api/handler";
import { alertGroupSchema, alertToNotification } from "./alerts";
import { countedHook, HOOK_MAX_BODY_BYTES, hookTarget, publishFromHook } from "./publish";

export function alertHookRoute(via: "alertmanager" | "grafana") {
  return countedHook(via, apiHandler(
    {
      role: "admin",
      tokenOnly: "Send an admin's API token: Authorization: Bearer <token> (Settings → API tokens).",
      body: alertGroupSchema,
      maxBodyBytes: HOOK_MAX_BODY_BYTES,
      tokenScope: "hooks",
      // The publish budget of the token's owner.
      ownBudget: true,
    },
    async ({ req, user, auth, body }) => {
      const { audience, escalateAfter } = hookTarget(req);
      const tokenName = auth.via === "token" ? auth.tokenName : undefined;
      const items = body.alerts
        .map((alert) => alertToNotification(alert, via, audience))
        .map((item) => (escalateAfter === undefined ? item : { ...item, input: { ...item.input, escalateAfter } }));
      return Response.json(await publishFromHook(user, items, { limitKey: `user:${user.id}`, tokenName, via }), { status: 202 });
    },
  ));
}

// Signs webhook requests with the senders' own libraries, for
// webhookserver/senders_test.go. Reads a JSON array of requests on stdin,
// each {preset, secret, body, timestamp (unix seconds), id}, and writes a
// JSON array of the headers each sender would send.
//
// GitHub, Stripe and Standard Webhooks sign with their npm libraries
// (pinned in package-lock.json). Slack and Shopify publish no signing
// library: their documented algorithms are written here with node:crypto,
// an implementation independent of hookflow's Go one.
import { createHmac } from "node:crypto";
import { sign as githubSign } from "@octokit/webhooks-methods";
import Stripe from "stripe";
import { Webhook } from "standardwebhooks";

const stripe = new Stripe("sk_test_not_used_offline");

async function headersOf(r) {
  switch (r.preset) {
    case "GitHub":
      return { "X-Hub-Signature-256": await githubSign(r.secret, r.body), "X-GitHub-Delivery": r.id };
    case "Stripe":
      return {
        "Stripe-Signature": await stripe.webhooks.generateTestHeaderStringAsync({
          payload: r.body,
          secret: r.secret,
          timestamp: r.timestamp,
        }),
      };
    case "StandardWebhooks":
      return {
        "webhook-id": r.id,
        "webhook-timestamp": String(r.timestamp),
        "webhook-signature": new Webhook(r.secret).sign(r.id, new Date(r.timestamp * 1000), r.body),
      };
    case "Slack": // "v0=" + hex(HMAC-SHA256(secret, "v0:<ts>:<body>"))
      return {
        "X-Slack-Request-Timestamp": String(r.timestamp),
        "X-Slack-Signature": "v0=" + createHmac("sha256", r.secret).update(`v0:${r.timestamp}:${r.body}`).digest("hex"),
      };
    case "Shopify": // base64(HMAC-SHA256(secret, body))
      return {
        "X-Shopify-Hmac-Sha256": createHmac("sha256", r.secret).update(r.body).digest("base64"),
        "X-Shopify-Webhook-Id": r.id,
      };
    default:
      throw new Error(`no library for preset ${r.preset}`);
  }
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const r of JSON.parse(input)) out.push(await headersOf(r));
process.stdout.write(JSON.stringify(out));

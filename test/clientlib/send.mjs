// Drives optgate with a third-party Cloud API client (@kapso/whatsapp-cloud-api),
// exactly as a business's bot would drive Meta. Prints one JSON line per call.
// Usage: node send.mjs BASE_URL API_KEY PHONE_NUMBER_ID TO
import { WhatsAppClient, GraphApiError } from "@kapso/whatsapp-cloud-api";

const [baseUrl, accessToken, phoneNumberId, to] = process.argv.slice(2);
const client = new WhatsAppClient({ baseUrl, accessToken, graphVersion: "v23.0" });

async function attempt(name, fn) {
  try {
    const res = await fn();
    console.log(JSON.stringify({ call: name, ok: true, response: res }));
  } catch (err) {
    if (err instanceof GraphApiError) {
      console.log(JSON.stringify({
        call: name, ok: false, httpStatus: err.httpStatus, code: err.code, type: err.type,
        message: err.message, details: err.details ?? null, reason: err.errorData?.reason ?? null,
        category: err.category, retry: err.retry,
      }));
    } else {
      console.log(JSON.stringify({ call: name, ok: false, error: String(err) }));
    }
  }
}

const template = (name) => ({ phoneNumberId, to, template: { name, language: { code: "pt_BR" } } });
for (const step of process.argv.slice(6)) {
  switch (step) {
    case "text":
      await attempt("text", () => client.messages.sendText({ phoneNumberId, to, body: "Olá! Seu pedido saiu para entrega." }));
      break;
    case "utility":
      await attempt("utility", () => client.messages.sendTemplate(template("order_shipped")));
      break;
    case "marketing":
      await attempt("marketing", () => client.messages.sendTemplate(template("black_friday")));
      break;
    case "read":
      await attempt("read", () => client.messages.markRead({ phoneNumberId, messageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=" }));
      break;
  }
}

package webhookserver

import (
	"strings"
	"testing"
)

// TestDeliveryKeysNeverEqualAnIdempotencyKey: a delivery id becomes a key
// that no valid Idempotency-Key header can equal, within the 255 bytes a
// run keeps, the same for the same id and another for another id.
func TestDeliveryKeysNeverEqualAnIdempotencyKey(t *testing.T) {
	ids := []string{"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "72d3162e-cc78-11e3-81ab-4c9367dc0958", strings.Repeat("x", 400), "id with ünïcode", "a\x00b"}
	seen := map[string]string{}
	for _, id := range ids {
		key := deliveryKey("webhook-id", id)
		if validIdempotencyKey(key) {
			t.Errorf("deliveryKey(%q) = %q is a valid Idempotency-Key: a sender could collide with it", id, key)
		}
		if len(key) > maxIdempotencyKey {
			t.Errorf("deliveryKey(%q) is %d bytes, over %d", id, len(key), maxIdempotencyKey)
		}
		if key != deliveryKey("webhook-id", id) {
			t.Errorf("deliveryKey(%q) is not stable", id)
		}
		if other, dup := seen[key]; dup {
			t.Errorf("ids %q and %q have the same key", other, id)
		}
		seen[key] = id
	}
	if deliveryKey("X-GitHub-Delivery", "1") == deliveryKey("X-Shopify-Webhook-Id", "1") {
		t.Error("the same id from two headers has the same key")
	}
}

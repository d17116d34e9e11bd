package signing

import "testing"

// The vectors were computed with Python's hmac module, an implementation
// independent of this one.
func TestAppSign(t *testing.T) {
	for _, tc := range []struct {
		name, appKey, timestamp, body, want string
	}{
		{"json body", "shop", "1700000000", `{"order_id":"A-1001"}`, "fe2c22cbb57c3d42c3aa43a22968427ca581a935843e3d9094267ec0929eb240"},
		{"empty body (GET)", "shop", "1700000000", "", "23af744f8bc7e2e1c6de3c77c81c80cc5cd08ade6da11a7e2dc089b9602156f5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AppSign([]byte("s3cr3t"), tc.appKey, tc.timestamp, []byte(tc.body)); got != tc.want {
				t.Errorf("AppSign() = %s, want %s", got, tc.want)
			}
		})
	}
}

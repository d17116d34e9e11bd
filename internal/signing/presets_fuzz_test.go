package signing

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseStripeSignature: the parser never panics, returns at most
// maxStripeSignatures values, and every value it returns was written as a
// v1 pair; a header Stripe writes is read back whole.
func FuzzParseStripeSignature(f *testing.F) {
	f.Add("t=1492774577,v1=" + stripeV1)
	f.Add("t=1492774577,v1=" + stripeV1 + ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")
	f.Add("v1=a,v1=b,t=1,t=2")
	f.Add("t=,v1=")
	f.Add(",,,==,t,v1")
	f.Add(strings.Repeat("v1=x,", 20))
	f.Add(" t=1 , v1=ab ")
	f.Fuzz(func(t *testing.T, header string) {
		ts, sigs := parseStripeSignature(header)
		if len(sigs) > maxStripeSignatures {
			t.Fatalf("%d signatures", len(sigs))
		}
		for _, s := range sigs {
			if !strings.Contains(header, "v1="+s) {
				t.Fatalf("signature %q not written as a v1 pair in %q", s, header)
			}
		}
		if ts != "" && !strings.Contains(header, "t="+ts) {
			t.Fatalf("timestamp %q not in %q", ts, header)
		}
	})
}

// FuzzParseStandardWebhooksSignature: the parser never panics, returns at
// most maxStandardWebhooksSignatures non-empty values, each written after
// "v1,".
func FuzzParseStandardWebhooksSignature(f *testing.F) {
	f.Add(swSignature)
	f.Add(swSignature + " v1,bm90IHRoZSByaWdodCBvbmU= v2,xyz")
	f.Add("v1a,b v1, v1,,")
	f.Add("   ")
	f.Add(strings.Repeat("v1,x ", 20))
	f.Fuzz(func(t *testing.T, header string) {
		sigs := parseStandardWebhooksSignature(header)
		if len(sigs) > maxStandardWebhooksSignatures {
			t.Fatalf("%d signatures", len(sigs))
		}
		for _, s := range sigs {
			if s == "" || !strings.Contains(header, "v1,"+s) {
				t.Fatalf("signature %q not written after v1, in %q", s, header)
			}
		}
	})
}

// FuzzStripeVerify: Verify never panics, fails only with ErrInvalid, and
// accepts only a header holding the right v1 for a timestamp in the window.
func FuzzStripeVerify(f *testing.F) {
	f.Add(stripeSecret, stripeBody, stripeTimestamp, "", true)
	f.Add(stripeSecret, stripeBody, "1492774878", "", true)
	f.Add(stripeSecret, stripeBody, stripeTimestamp, ",v1=00", false)
	f.Add("", "", "", "", true)
	now := unix(stripeTimestamp)
	f.Fuzz(func(t *testing.T, secret, body, ts, extra string, signIt bool) {
		header := "t=" + ts + extra
		if signIt {
			header += ",v1=" + stripeV1Of(secret, ts, body)
		}
		_, err := Stripe{Secrets: secrets(secret)}.Verify(headers(HeaderStripeSignature, header), []byte(body), now)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify() = %v, not ErrInvalid", err)
			}
			return
		}
		read, _ := parseStripeSignature(header)
		n, ok := parseUnixSeconds(read)
		if secret == "" || !ok || n < now.Unix()-300 || n > now.Unix()+300 {
			t.Fatalf("accepted secret %q timestamp %q", secret, read)
		}
	})
}

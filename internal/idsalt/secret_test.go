package idsalt

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

const (
	testNamespace = "hookflow-system"
	testName      = "hookflow-webhook-id-salt"
)

func TestEnsureCreatesOnceAndKeeps(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().Build()
	first, err := Ensure(ctx, c, testNamespace, testName)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != Size {
		t.Errorf("salt has %d bytes, want %d", len(first), Size)
	}
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: testName}, secret); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(secret.Data[Key], first) {
		t.Error("the Secret does not hold the returned salt")
	}
	if secret.Immutable == nil || !*secret.Immutable {
		t.Error("the Secret is not immutable")
	}
	again, err := Ensure(ctx, c, testNamespace, testName)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("a second Ensure changed the salt")
	}
	if other, err := Ensure(ctx, fake.NewClientBuilder().Build(), testNamespace, testName); err != nil {
		t.Fatal(err)
	} else if bytes.Equal(first, other) {
		t.Error("two installations got the same salt")
	}
}

func TestEnsureUsesAnExistingSecret(t *testing.T) {
	existing := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: testNamespace, Name: "mine"},
		Data:       map[string][]byte{Key: []byte("chosen by the administrator")},
	}
	c := fake.NewClientBuilder().WithObjects(existing).Build()
	salt, err := Ensure(context.Background(), c, testNamespace, "mine")
	if err != nil {
		t.Fatal(err)
	}
	if string(salt) != "chosen by the administrator" {
		t.Errorf("salt = %q, want the Secret's", salt)
	}
}

func TestEnsureRefusesASecretWithoutSalt(t *testing.T) {
	const value = "do-not-print-me"
	tests := map[string]map[string][]byte{
		"no data":     nil,
		"other key":   {"other": []byte(value)},
		"empty value": {Key: {}, "other": []byte(value)},
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithObjects(&corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Namespace: testNamespace, Name: testName},
				Data:       data,
			}).Build()
			_, err := Ensure(context.Background(), c, testNamespace, testName)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, testNamespace+"/"+testName) || !strings.Contains(msg, `"salt"`) {
				t.Errorf("error %q does not name the Secret and its key", msg)
			}
			if strings.Contains(msg, value) {
				t.Errorf("error %q shows a value of the Secret", msg)
			}
			secret := &corev1.Secret{}
			if err := c.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: testName}, secret); err != nil {
				t.Fatal(err)
			}
			if len(secret.Data[Key]) != 0 {
				t.Error("Ensure wrote into a Secret it did not create")
			}
		})
	}
}

func TestEnsureWrapsAPIErrors(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, testName, errors.New("no"))
	c := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Get: func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error {
			return forbidden
		},
	}).Build()
	_, err := Ensure(context.Background(), c, testNamespace, testName)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), testNamespace+"/"+testName) {
		t.Errorf("error = %v, want the Forbidden error, wrapped with the Secret's name", err)
	}
}

// TestEnsureRace starts two replicas that both find no Secret: both create
// one, one of them loses, and both end with the winner's salt.
func TestEnsureRace(t *testing.T) {
	var (
		arrived   sync.WaitGroup
		firstGets sync.Map // of the replicas that made their first Get
		lost      atomic.Int32
	)
	arrived.Add(2)
	c := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			err := c.Get(ctx, key, obj, opts...)
			replica, ok := ctx.Value(replicaKey{}).(int)
			if _, seen := firstGets.LoadOrStore(replica, true); ok && !seen {
				// Answer each first Get only when both replicas have made
				// theirs: both find no Secret and go on to create one.
				arrived.Done()
				arrived.Wait()
			}
			return err
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			err := c.Create(ctx, obj, opts...)
			if apierrors.IsAlreadyExists(err) {
				lost.Add(1)
			}
			return err
		},
	}).Build()

	salts := make([][]byte, 2)
	errs := make([]error, 2)
	var done sync.WaitGroup
	for i := range 2 {
		done.Add(1)
		go func() {
			defer done.Done()
			ctx := context.WithValue(context.Background(), replicaKey{}, i)
			salts[i], errs[i] = Ensure(ctx, c, testNamespace, testName)
		}()
	}
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	if lost.Load() != 1 {
		t.Errorf("%d Creates lost the race, want 1", lost.Load())
	}
	if !bytes.Equal(salts[0], salts[1]) {
		t.Error("the two replicas got different salts")
	}
	secret := &corev1.Secret{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: testName}, secret); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(secret.Data[Key], salts[0]) {
		t.Error("the replicas' salt is not the Secret's")
	}
}

// replicaKey marks the context of a replica's calls with its number.
type replicaKey struct{}

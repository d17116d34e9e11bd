package celexpr

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// TestEvalConcurrent runs one set of Programs from many goroutines, each
// with its own request, and checks every result; run it with -race.
func TestEvalConcurrent(t *testing.T) {
	env := newOrderEnv(t)
	email, err := env.CompileValue("params.customer.email", v1alpha1.FieldEmail)
	if err != nil {
		t.Fatalf("CompileValue: %v", err)
	}
	total, err := env.CompileValue("params.items.map(i, i.qty).size() + int(params.amount)", v1alpha1.FieldNumber)
	if err != nil {
		t.Fatalf("CompileValue: %v", err)
	}
	saved, err := env.CompileValue("steps.save.recordId", v1alpha1.FieldText)
	if err != nil {
		t.Fatalf("CompileValue: %v", err)
	}
	const goroutines, evals = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range evals {
				errs <- checkOneRequest(email, total, saved, g, i)
			}
		}()
	}
	go func() { wg.Wait(); close(errs) }()
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkOneRequest(email, total, saved *Program, g, i int) error {
	ctx := context.Background()
	v := &Vars{Params: map[string]any{
		"customer": map[string]any{"email": fmt.Sprintf("u%d-%d@example.com", g, i)},
		"amount":   float64(i),
		"items":    []any{map[string]any{"qty": 1.0}, map[string]any{"qty": 2.0}},
	}}
	if i%2 == 0 {
		v.Steps = map[string]StepOutput{"save": {RecordID: fmt.Sprintf("r%d-%d", g, i)}}
	}
	got, err := email.Eval(ctx, v)
	if want := fmt.Sprintf("u%d-%d@example.com", g, i); err != nil || got != want {
		return fmt.Errorf("email = %#v, %v; want %q", got, err, want)
	}
	got, err = total.Eval(ctx, v)
	if want := int64(2 + i); err != nil || got != want {
		return fmt.Errorf("total = %#v, %v; want %d", got, err, want)
	}
	got, err = saved.Eval(ctx, v)
	if i%2 == 0 {
		if want := fmt.Sprintf("r%d-%d", g, i); err != nil || got != want {
			return fmt.Errorf("recordId = %#v, %v; want %q", got, err, want)
		}
	} else if !errors.Is(err, ErrAbsent) {
		return fmt.Errorf("recordId of a step that did not run: %#v, %v; want ErrAbsent", got, err)
	}
	return nil
}

// TestCompileConcurrent builds Envs and compiles from many goroutines, as
// the controller and the server do; run it with -race.
func TestCompileConcurrent(t *testing.T) {
	shared := newOrderEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own, err := NewEnv(orderParams, []string{"save"})
			if err != nil {
				errs <- err
				return
			}
			for _, env := range []*Env{shared, own} {
				expr := fmt.Sprintf("params.customer.email + '-%d'", g)
				if _, err := env.CompileValue(expr, v1alpha1.FieldText); err != nil {
					errs <- fmt.Errorf("CompileValue(%q): %w", expr, err)
					return
				}
				if _, err := env.CompileValue("params.nope", v1alpha1.FieldText); err == nil {
					errs <- fmt.Errorf("params.nope compiled")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/cmd/hookflow/devenv"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

// etcdTxnOps is how many puts one etcd transaction holds (etcd's default
// --max-txn-ops is 128).
const etcdTxnOps = 100

// etcdURL reads the client URL of hookflow dev's etcd.
func (d *devServer) etcdURL() (string, error) {
	data, err := os.ReadFile(filepath.Join(d.StateDir, devenv.EtcdURLFile))
	if err != nil {
		return "", fmt.Errorf("read the etcd URL of hookflow dev: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// seedRecordsInEtcd writes WorksheetRecords of ws straight into etcd, as
// the API server stores them (JSON under /registry/hookflow.dev/
// worksheetrecords/<namespace>/<name>), until ws holds want of them. The
// API server sees them through its watch of etcd like any other write; only
// the seeding skips it, because 50,000 creates through it take minutes on
// 2 cores (the client-go loop's rate), which the run's budget does not
// have. The records are those crstore.Object makes, with a uid and a
// creation time as the API server would set them.
func seedRecordsInEtcd(ctx context.Context, etcd string, ws *v1alpha1.Worksheet, present, want int64, workers int) (int64, error) {
	need := want - present
	if need <= 0 {
		return 0, nil
	}
	batches := make(chan [2]int64)
	go func() {
		defer close(batches)
		for from := int64(0); from < need; from += etcdTxnOps {
			select {
			case batches <- [2]int64{from, min(from+etcdTxnOps, need)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	hc := &http.Client{Timeout: 30 * time.Second}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		written int64
		errs    []error
	)
	for range max(workers, 1) {
		wg.Go(func() {
			for b := range batches {
				err := putBatch(ctx, hc, etcd, ws, b[0], b[1])
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					written += b[1] - b[0]
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return written, errors.Join(errs...)
}

// putBatch writes records [from, to) of the seeding in one etcd
// transaction, through etcd's JSON gateway (POST /v3/kv/txn).
func putBatch(ctx context.Context, hc *http.Client, etcd string, ws *v1alpha1.Worksheet, from, to int64) error {
	type put struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	type op struct {
		RequestPut put `json:"requestPut"`
	}
	ops := make([]op, 0, to-from)
	now := metav1.NewTime(time.Now().UTC().Truncate(time.Second))
	for n := from; n < to; n++ {
		id := "etcd-" + strconv.FormatInt(n, 10)
		r, err := orderRecord(ws, seedWorkflow, "seed-"+id, "SEED-"+id, now.Time)
		if err != nil {
			return err
		}
		obj, err := crstore.Object(r, now)
		if err != nil {
			return err
		}
		obj.APIVersion, obj.Kind = v1alpha1.GroupVersion.String(), "WorksheetRecord"
		obj.UID = types.UID(uuid.NewString())
		obj.CreationTimestamp = now
		obj.Generation = 1
		value, err := json.Marshal(obj)
		if err != nil {
			return fmt.Errorf("encode record: %w", err)
		}
		key := "/registry/" + v1alpha1.GroupVersion.Group + "/worksheetrecords/" + obj.Namespace + "/" + obj.Name
		ops = append(ops, op{RequestPut: put{
			Key:   base64.StdEncoding.EncodeToString([]byte(key)),
			Value: base64.StdEncoding.EncodeToString(value),
		}})
	}
	body, err := json.Marshal(map[string]any{"success": ops})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(etcd, "/")+"/v3/kv/txn", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("etcd txn: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("etcd txn: %s: %s", resp.Status, answer)
	}
	return nil
}

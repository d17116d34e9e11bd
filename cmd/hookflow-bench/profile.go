package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// cpuProfile fetches a CPU profile of seconds from the pprof endpoint of
// hookflow dev (http://addr/debug/pprof/profile) into path. It is started
// alongside a run and returns once the profile is written.
func cpuProfile(ctx context.Context, addr string, seconds int, path string) error {
	url := "http://" + addr + "/debug/pprof/profile?seconds=" + strconv.Itoa(seconds)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetch the CPU profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch the CPU profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create the CPU profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("write the CPU profile: %w", err)
	}
	return f.Close()
}

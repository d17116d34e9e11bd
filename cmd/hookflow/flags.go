package main

import (
	"flag"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// commonFlags are the flags of every command.
type commonFlags struct {
	kubeconfig string
	qps        float64
	burst      int
	zap        zap.Options
}

// bind binds the flags; qps and burst are the command's defaults of the
// client-side rate limit on API requests.
func (c *commonFlags) bind(fs *flag.FlagSet, qps float64, burst int) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "Path to a kubeconfig; by default in-cluster, $KUBECONFIG or ~/.kube/config.")
	fs.Float64Var(&c.qps, "kube-api-qps", qps, "Requests per second this process may send to the API server (client-side limit; the API server's priority and fairness still applies).")
	fs.IntVar(&c.burst, "kube-api-burst", burst, "Burst of requests above --kube-api-qps.")
	c.zap.BindFlags(fs)
}

// setup installs the logger and returns the REST config.
func (c *commonFlags) setup() (*rest.Config, error) {
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&c.zap)))
	if c.kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("load kubeconfig %s: %w", c.kubeconfig, err)
		}
		cfg.QPS, cfg.Burst = float32(c.qps), c.burst
		return cfg, nil
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("find a cluster: %w", err)
	}
	cfg.QPS, cfg.Burst = float32(c.qps), c.burst
	return cfg, nil
}

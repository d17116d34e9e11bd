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
	zap        zap.Options
}

func (c *commonFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "Path to a kubeconfig; by default in-cluster, $KUBECONFIG or ~/.kube/config.")
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
		return cfg, nil
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("find a cluster: %w", err)
	}
	return cfg, nil
}

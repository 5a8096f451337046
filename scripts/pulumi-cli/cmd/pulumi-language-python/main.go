// Command pulumi-language-python is the Python language host the Pulumi engine
// starts to run a Python program (LanguageRuntime gRPC service).
//
// Why ctsync has its own: upstream's host lives in the module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, which has
// no tags and which the Go module proxy reachable from this project's machines
// refuses (403, for its version list and for commit pseudo-versions alike), so
// it cannot be built here. The engine only needs a handful of RPCs to run
// `pulumi up/preview/refresh/destroy`; this host implements those on top of
// upstream's own library code (sdk/v3/python/toolchain for virtualenvs and the
// interpreter, sdk/v3 rpcutil for serving), and runs the program through
// pulumi-language-python-exec exactly as upstream's host does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// engineHealthInterval is how often the host checks that the engine that
// started it is still alive, so that an orphaned host exits on its own.
const engineHealthInterval = 5 * time.Minute

func main() {
	// The engine passes --logtostderr, -v=N and --tracing before the positional
	// engine address (pkg/resource/plugin/plugin.go buildPluginArguments). The
	// logging package registers the first two itself and reads them back in
	// InitLogging; zero arguments there mean "as the flags say".
	tracing := flag.String("tracing", "", "emit tracing to a Zipkin-compatible tracing endpoint")
	// Engines before ProgramInfo carried runtime options (and the pulumi-language-yaml host, built on
	// such an engine, still does when it loads a Python plugin's schema) pass them as flags, with the
	// project root. Upstream's host accepts them too; this one reads the options from each request's
	// ProgramInfo instead, so they are accepted and not used.
	for _, legacy := range []string{"root", "toolchain", "virtualenv", "typechecker"} {
		flag.String(legacy, "", "accepted for older engines; the request's program info is used")
	}
	flag.Parse()
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-python", "pulumi-language-python", *tracing)

	if flag.NArg() < 1 {
		cmdutil.Exit(fmt.Errorf("missing required engine RPC address argument"))
	}
	if err := serve(flag.Arg(0), *tracing); err != nil {
		cmdutil.Exit(err)
	}
}

// serve registers the language host, prints its port for the engine to dial
// (the plugin handshake), and blocks until the server stops.
func serve(engineAddress, tracing string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Healthcheck cancels ctx when the engine stops answering.
		_ = rpcutil.Healthcheck(ctx, engineAddress, engineHealthInterval, cancel)
	}()

	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()

	host := newLanguageHost(engineAddress, tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		return fmt.Errorf("could not start language host RPC server: %w", err)
	}
	fmt.Fprintf(os.Stdout, "%d\n", handle.Port)
	return <-handle.Done
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// execShimName is the Python script that runs a program inside the SDK; by
// convention it is this host's name plus "-exec", shipped beside it.
const execShimName = "pulumi-language-python-exec"

// userActionableExitCode is what pulumi-language-python-exec exits with after
// it has already shown the user an error: the engine must not add another.
const userActionableExitCode = 32

// languageHost serves the RPCs the engine needs to run Python programs. The
// embedded Unimplemented server answers the rest (code generation, packing,
// dependency installation, plugins written in Python) with UNIMPLEMENTED,
// which the engine reports as "not supported by this language".
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

func newLanguageHost(engineAddress, tracing string) *languageHost {
	return &languageHost{engineAddress: engineAddress, tracing: tracing}
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages reports the provider packages installed in the program's
// Python environment, so the engine can load them before the program runs.
func (h *languageHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	program, err := programFromInfo(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := installedProviderPackages(ctx, program.toolchain)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// About names the interpreter that runs the program (shown by `pulumi about`
// and recorded in update metadata).
func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	program, err := programFromInfo(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := program.toolchain.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

// GetProgramDependencies lists the Python packages of the program's
// environment (`pulumi about`), through upstream's toolchain (pip list & co).
func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	program, err := programFromInfo(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	installed, err := program.toolchain.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	dependencies := make([]*pulumirpc.DependencyInfo, 0, len(installed))
	for _, dep := range installed {
		dependencies = append(dependencies, &pulumirpc.DependencyInfo{Name: dep.Name, Version: dep.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: dependencies}, nil
}

// Run executes the program with pulumi-language-python-exec in the program's
// Python environment and maps its exit code onto the engine's RunResponse.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return nil, status.Error(codes.Unimplemented, "attaching a debugger is not supported by this language host")
	}
	program, err := programFromInfo(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	cmd, err := h.execCommand(ctx, req, program)
	if err != nil {
		return nil, err
	}
	return runResponse(cmd.Run()), nil
}

// execCommand builds the interpreter command line that upstream's host uses:
// python pulumi-language-python-exec <settings flags> PROGRAM ARGS...
func (h *languageHost) execCommand(
	ctx context.Context, req *pulumirpc.RunRequest, program pythonProgram,
) (*exec.Cmd, error) {
	shim, err := findExecShim()
	if err != nil {
		return nil, err
	}
	args := []string{
		shim,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--pwd", req.GetPwd(),
		"--root_directory", program.rootDirectory,
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
	}
	if h.tracing != "" {
		args = append(args, "--tracing", h.tracing)
	}
	args = append(args, program.entryPoint)
	args = append(args, req.GetArgs()...)

	cmd, err := program.toolchain.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	configEnv, err := configEnvironment(req)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		// A toolchain without a virtualenv leaves Env nil, meaning "inherit".
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, configEnv...)
	cmd.Dir = req.GetPwd()
	// The engine reads the host's own stdout/stderr as the program's output.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd, nil
}

// configEnvironment passes stack config the way the Python SDK reads it
// (pulumi/runtime/config.py): JSON in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS.
// A stack without config arrives as nil, which must still encode as {} and [].
func configEnvironment(req *pulumirpc.RunRequest) ([]string, error) {
	values := req.GetConfig()
	if values == nil {
		values = map[string]string{}
	}
	config, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("encoding stack config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	keys, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("encoding secret config keys: %w", err)
	}
	return []string{"PULUMI_CONFIG=" + string(config), "PULUMI_CONFIG_SECRET_KEYS=" + string(keys)}, nil
}

// findExecShim looks beside this binary first (where install-pulumi.sh puts
// it), then on PATH.
func findExecShim() (string, error) {
	if self, err := os.Executable(); err == nil {
		candidate := filepath.Join(filepath.Dir(self), execShimName)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	path, err := exec.LookPath(execShimName)
	if err != nil {
		return "", fmt.Errorf("%s not found beside the language host or on PATH: %w", execShimName, err)
	}
	return path, nil
}

// runResponse turns the exec shim's exit into the engine's verdict: exit 32
// means the error is already shown (Bail), any other failure is reported.
func runResponse(runErr error) *pulumirpc.RunResponse {
	if runErr == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(runErr, &exitErr) {
		if exitErr.ExitCode() == userActionableExitCode {
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}
	}
	return &pulumirpc.RunResponse{Error: runErr.Error()}
}

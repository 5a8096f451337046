package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// pythonProgram is a Pulumi.yaml project as this host sees it: where it lives,
// what to run, and the Python environment (toolchain) to run it with.
type pythonProgram struct {
	rootDirectory string
	entryPoint    string
	toolchain     toolchain.Toolchain
}

// toolchainsByName maps the `runtime.options.toolchain` values of Pulumi.yaml
// onto upstream's toolchain kinds; an absent option means auto-detection.
var toolchainsByName = map[string]toolchain.PythonOptions{
	"":       {Toolchain: toolchain.Auto},
	"pip":    {Toolchain: toolchain.Pip},
	"poetry": {Toolchain: toolchain.Poetry},
	"uv":     {Toolchain: toolchain.Uv},
}

// programFromInfo resolves the engine's ProgramInfo (directories and
// Pulumi.yaml runtime options) into a runnable program. A virtualenv that does
// not exist is reported here, with how to create it, before any RPC uses it.
func programFromInfo(ctx context.Context, info *pulumirpc.ProgramInfo) (pythonProgram, error) {
	if info == nil {
		return pythonProgram{}, errors.New("the engine sent no program info; this host needs pulumi >= 3.110")
	}
	options, err := pythonOptions(info)
	if err != nil {
		return pythonProgram{}, err
	}
	tc, err := toolchain.ResolveToolchain(options)
	if err != nil {
		return pythonProgram{}, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return pythonProgram{}, err
	}
	return pythonProgram{
		rootDirectory: info.GetRootDirectory(),
		entryPoint:    filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint()),
		toolchain:     tc,
	}, nil
}

// pythonOptions reads `runtime.options` (virtualenv, toolchain). A typechecker
// is refused rather than silently skipped, since a user who asked for one
// expects the program not to run when it fails.
func pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	raw := info.GetOptions().AsMap()
	if checker, ok := raw["typechecker"]; ok {
		return toolchain.PythonOptions{}, fmt.Errorf("runtime option typechecker=%v is not supported by this language host", checker)
	}
	name, _ := raw["toolchain"].(string)
	options, known := toolchainsByName[name]
	if !known {
		return toolchain.PythonOptions{}, fmt.Errorf("unknown Python toolchain %q in Pulumi.yaml runtime options", name)
	}
	options.Root = info.GetRootDirectory()
	options.ProgramDir = info.GetProgramDirectory()
	options.Virtualenv, _ = raw["virtualenv"].(string)
	return options, nil
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// findProviderPackages prints, as JSON, every installed distribution that ships
// a top-level <package>/pulumi-plugin.json declaring a resource plugin: the
// marker Pulumi's Python provider SDKs carry (e.g. pulumi_azuread).
const findProviderPackages = `
import importlib.metadata, json
found = []
for dist in importlib.metadata.distributions():
    for path in dist.files or ():
        if path.name != "pulumi-plugin.json" or len(path.parts) != 2:
            continue
        plugin = json.loads(path.read_text())
        if plugin.get("resource"):
            found.append({"distribution": dist.metadata["Name"], "version": dist.version, "plugin": plugin})
print(json.dumps(found))
`

// pluginMarker is one pulumi-plugin.json with the distribution it came from.
type pluginMarker struct {
	Distribution string `json:"distribution"`
	Version      string `json:"version"`
	Plugin       struct {
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   []byte `json:"value"` // base64 in the file, as encoding/json expects
		} `json:"parameterization"`
	} `json:"plugin"`
}

// installedProviderPackages asks the program's interpreter which provider
// packages are installed and turns their markers into package dependencies.
func installedProviderPackages(ctx context.Context, tc toolchain.Toolchain) ([]*pulumirpc.PackageDependency, error) {
	cmd, err := tc.Command(ctx, "-c", findProviderPackages)
	if err != nil {
		return nil, err
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing Pulumi provider packages with %s: %w", cmd.Path, err)
	}
	var markers []pluginMarker
	if err := json.Unmarshal(out, &markers); err != nil {
		return nil, fmt.Errorf("reading the provider package list: %w", err)
	}
	packages := make([]*pulumirpc.PackageDependency, 0, len(markers))
	for _, marker := range markers {
		packages = append(packages, marker.dependency())
	}
	return packages, nil
}

// dependency fills what the marker leaves out from the distribution, as the
// SDKs' own get_version() does: "pulumi-azuread" 6.11.1 is plugin azuread v6.11.1.
func (m pluginMarker) dependency() *pulumirpc.PackageDependency {
	name := m.Plugin.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(m.Distribution, "pulumi-"), "pulumi_")
	}
	version := m.Plugin.Version
	if version == "" {
		version = m.Version
	}
	dependency := &pulumirpc.PackageDependency{Kind: "resource", Name: name, Version: version, Server: m.Plugin.Server}
	if p := m.Plugin.Parameterization; p != nil {
		dependency.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dependency
}

//go:build tools

// Package tools records the upstream main packages this module builds, so that
// go.mod and go.sum pin every module they need (go mod tidy keeps them).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)

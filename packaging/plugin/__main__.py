"""The plugin archive's entry point: the Python language host runs `python <plugin dir> <engine address>`,
and this runs the provider's composition root (providers/__main__.py) from the packages beside it."""
import runpy

runpy.run_module("providers", run_name="__main__", alter_sys=True)

"""Export of trained models to deployable artifacts, through exporter plugins."""

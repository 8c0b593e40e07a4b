"""User interfaces: the `dtikg` command line and the Gradio web app."""

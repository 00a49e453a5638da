"""The live preview (`helpgen serve`): a preview build served on 127.0.0.1, rebuilt as files change."""

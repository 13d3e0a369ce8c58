"""Tools for testing code that receives TopMessage webhooks."""

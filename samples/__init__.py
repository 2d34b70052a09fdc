"""Generated sample documents and requests (fake data) with ground truth."""

"""The managers' review desk: a small server-rendered web app over the claims storage."""

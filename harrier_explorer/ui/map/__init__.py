"""Cluster map tab: documents laid out with UMAP, clustered, coloured, with queries and nearest neighbours."""

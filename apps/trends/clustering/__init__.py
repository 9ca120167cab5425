"""The clustering engine: pure Python + numpy/scipy over plain records, no Django imports."""

from .engine import BatchResult, Cluster, Clusterer, Params, Record, cluster_all_pairs, cluster_records
from .summarize import Description, Member, describe
from .vectors import DocumentFrequencies

__all__ = [
    "BatchResult",
    "Cluster",
    "Clusterer",
    "Description",
    "DocumentFrequencies",
    "Member",
    "Params",
    "Record",
    "cluster_all_pairs",
    "cluster_records",
    "describe",
]

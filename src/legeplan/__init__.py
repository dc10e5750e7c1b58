"""legeplan: plan a Norwegian municipality's physician services (Plan for legetjenesten)."""

__version__ = "0.1.0"

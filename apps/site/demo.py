from .services import site_ensure_tree


def seed(*, workspace, users):
    site_ensure_tree(workspace)

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "asylon.matching"
    label = "matching"

    def ready(self) -> None:
        from asylon.registry import queries, services

        from . import keys, merges

        if keys.persons_saved not in services.persons_saved_hooks:
            services.persons_saved_hooks.append(keys.persons_saved)
        if merges.resolve_alias not in queries.reference_resolvers:
            queries.reference_resolvers.append(merges.resolve_alias)

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "asylon.cases"
    label = "cases"
    verbose_name = "Individual protection cases"

    def ready(self) -> None:
        # "My work" reads each app's items through core.work; the page imports no app.
        from asylon.core import work

        from . import work as case_work

        work.register("cases", case_work.items_for)

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of 50 by default; clients may ask for up to 500 with ``page_size``.

    A page that is not a positive whole number is a 400 naming ``page``; a page past
    the end stays DRF's 404 ("Invalid page.")."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if number in self.last_page_strings:
            return number
        if not str(number).isdecimal() or int(number) < 1:
            raise ValidationError({self.page_query_param: ["must be a positive whole number."]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.products, name="products"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("cart/", views.cart, name="cart"),
    path("checkout/", views.checkout, name="checkout"),
    path("files/datasheet.pdf", views.datasheet, name="datasheet"),
]

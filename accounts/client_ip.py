"""The client's address, trusting X-Forwarded-For only as far as NUM_PROXIES says.

With NUM_PROXIES=0 (the default) the header is ignored: anyone can send it, so a rotating
X-Forwarded-For would otherwise give every request a fresh address to count against. With N
proxies in front, each appends the address it saw, so the Nth entry from the right is the one
the outermost proxy received the request from. DRF's throttles follow the same rule through
REST_FRAMEWORK["NUM_PROXIES"].
"""

from django.conf import settings


def client_ip(request):
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not settings.NUM_PROXIES or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(settings.NUM_PROXIES, len(addresses))]

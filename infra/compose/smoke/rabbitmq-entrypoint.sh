#!/usr/bin/env bash
# The official rabbitmq image's start-up contract, on Debian's package (standins.Dockerfile):
# the default account from RABBITMQ_DEFAULT_USER/PASS (used on the node's first start only).
set -euo pipefail
{
  echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
  echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
  echo 'loopback_users = none'
} >/etc/rabbitmq/conf.d/10-defaults.conf
chmod 640 /etc/rabbitmq/conf.d/10-defaults.conf && chgrp rabbitmq /etc/rabbitmq/conf.d/10-defaults.conf
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
exec rabbitmq-server

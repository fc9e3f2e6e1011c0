-- Each product's terms text once per version (up to 20,000 characters), instead of a copy in
-- every delivery row: a change mailed to 100,000 subscribers would otherwise store 2 GB of the
-- same text. With the delivery log it shows exactly what each subscriber was sent.
CREATE TABLE terms_versions (
    product_id    uuid         NOT NULL,
    terms_version integer      NOT NULL,
    title         varchar(200) NOT NULL,
    terms         text         NOT NULL,
    effective_at  varchar(40),
    received_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, terms_version)
);

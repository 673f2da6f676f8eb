"""Text for people: the Renderer (catalogue, numbers, money, dates, refusals), layout, and the i18n catalogues."""

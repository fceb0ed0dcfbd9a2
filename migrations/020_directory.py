"""020 service directory: HSDS-shaped organisations, services, locations, contacts,
phones, service areas and taxonomy terms; the full-text index over services; Pathways'
own category and eligibility taxonomies; import previews."""

import uuid

import peewee as pw
from peewee_migrate import Migrator

from models.search import FullText

# As the model defines it at this migration (frozen here, so later model changes do not
# rewrite history).
SERVICE_TEXT = FullText("service", ["search_text"])
PATHWAYS_NS = uuid.UUID("6f6b0f8e-3c1e-5b7a-9a51-2f1d6a0c7e10")
CATEGORIES = [
    ("housing", "Housing and supported accommodation"),
    ("substance-misuse", "Substance misuse"),
    ("debt-money", "Debt and money advice"),
    ("domestic-abuse", "Domestic abuse"),
    ("womens-centres", "Women's centres"),
    ("community-mental-health", "Community mental health"),
    ("psychiatric-liaison", "Psychiatric liaison"),
    ("gp-primary-care", "GP and primary care"),
    ("learning-disability", "Learning disability"),
    ("employment-education", "Employment and education"),
    ("family-children", "Family and children"),
    ("legal-advice", "Legal advice"),
    ("benefits", "Benefits"),
]
ELIGIBILITY = [("women-only", "Women only"), ("under-probation", "Must be under probation"),
               ("self-referral", "Self-referral accepted"),
               ("refer-by-phone", "Referrals by phone"), ("refer-by-email", "Referrals by email"),
               ("refer-by-form", "Referrals by online or paper form"),
               ("refer-by-letter", "Referrals by letter")]


def _uuid(*parts):
    return uuid.uuid5(PATHWAYS_NS, "/".join(parts)).hex


def _seed_taxonomies(migrator, database):
    """Pathways' categories and eligibility flags, as two taxonomies of terms."""
    p = database.param
    for slug, label, terms, kind in (
            ("pathways-categories", "Pathways categories", CATEGORIES, "category"),
            ("pathways-eligibility", "Pathways eligibility and referral methods", ELIGIBILITY,
             "eligibility")):
        migrator.sql(f"INSERT INTO taxonomy (uuid, name, description, uri, version) "
                     f"VALUES ({p}, {p}, {p}, '', '1')",
                     _uuid("taxonomy", slug), label,
                     f"{label}: the terms Pathways' service directory uses.")
        for term_slug, term_label in terms:
            migrator.sql(
                f"INSERT INTO taxonomy_term (uuid, taxonomy_id, name, description, code, term, "
                f"parent_uuid, taxonomy_label, term_uri) VALUES ({p}, "
                f"(SELECT id FROM taxonomy WHERE uuid = {p}), {p}, {p}, {p}, {p}, '', {p}, '')",
                _uuid(kind, term_slug), _uuid("taxonomy", slug), term_label, term_label,
                term_slug, term_label, label)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):

    @migrator.create_model
    class Location(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        name = pw.CharField(default='', max_length=200)
        description = pw.TextField(default='')
        location_type = pw.CharField(default='physical', max_length=20)
        latitude = pw.FloatField(null=True)
        longitude = pw.FloatField(null=True)
        extra = pw.TextField(default='')

        class Meta:
            table_name = "location"

    @migrator.create_model
    class Address(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        location = pw.ForeignKeyField(column_name='location_id', field='id', model=migrator.orm['location'], on_delete='CASCADE')
        attention = pw.CharField(default='', max_length=200)
        address_1 = pw.CharField(default='', max_length=200)
        address_2 = pw.CharField(default='', max_length=200)
        city = pw.CharField(default='', max_length=100)
        region = pw.CharField(default='', max_length=100)
        state_province = pw.CharField(default='', max_length=100)
        postal_code = pw.CharField(default='', max_length=20)
        country = pw.CharField(default='GB', max_length=2)
        address_type = pw.CharField(default='physical', max_length=20)

        class Meta:
            table_name = "address"

    @migrator.create_model
    class Organization(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        name = pw.CharField(max_length=200)
        description = pw.TextField(default='')
        email = pw.CharField(default='', max_length=254)
        website = pw.CharField(default='', max_length=500)
        extra = pw.TextField(default='')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "organization"

    @migrator.create_model
    class Service(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        organization = pw.ForeignKeyField(column_name='organization_id', field='id', model=migrator.orm['organization'], on_delete='RESTRICT')
        name = pw.CharField(max_length=200)
        description = pw.TextField(default='')
        url = pw.CharField(default='', max_length=500)
        email = pw.CharField(default='', max_length=254)
        status = pw.CharField(default='active', max_length=20)
        minimum_age = pw.IntegerField(null=True)
        maximum_age = pw.IntegerField(null=True)
        women_only = pw.BooleanField(default=False, index=True)
        probation_only = pw.BooleanField(default=False)
        self_referral = pw.BooleanField(default=False)
        referral_methods = pw.CharField(default='', max_length=60)
        how_to_refer = pw.TextField(default='')
        languages = pw.CharField(default='', max_length=300)
        opening_hours = pw.TextField(default='')
        accessibility = pw.TextField(default='')
        verified_on = pw.DateField(null=True)
        verified_by = pw.ForeignKeyField(column_name='verified_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        assurer_email = pw.CharField(default='', max_length=254)
        archived_at = pw.DateTimeField(null=True)
        archived_by = pw.ForeignKeyField(column_name='archived_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        search_text = pw.TextField(default='')
        extra = pw.TextField(default='')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "service"

    @migrator.create_model
    class Contact(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], on_delete='CASCADE')
        name = pw.CharField(default='', max_length=200)
        title = pw.CharField(default='', max_length=200)
        email = pw.CharField(default='', max_length=254)
        extra = pw.TextField(default='')

        class Meta:
            table_name = "contact"

    @migrator.create_model
    class DirectoryImport(pw.Model):
        id = pw.AutoField()
        token = pw.UUIDField(unique=True)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        uploaded_at = pw.DateTimeField()
        filename = pw.CharField(default='', max_length=200)
        file_format = pw.CharField(max_length=10)
        payload = pw.TextField()
        status = pw.CharField(default='pending', max_length=10)
        applied_at = pw.DateTimeField(null=True)
        summary = pw.CharField(default='', max_length=300)

        class Meta:
            table_name = "directory_import"

    @migrator.create_model
    class Phone(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], null=True, on_delete='CASCADE')
        contact = pw.ForeignKeyField(column_name='contact_id', field='id', model=migrator.orm['contact'], null=True, on_delete='CASCADE')
        number = pw.CharField(max_length=60)
        description = pw.TextField(default='')
        extra = pw.TextField(default='')

        class Meta:
            table_name = "phone"

    @migrator.create_model
    class ServiceArea(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], on_delete='CASCADE')
        name = pw.CharField(default='', max_length=300)
        service_area = pw.TextField(default='')
        borough = pw.CharField(default='', index=True, max_length=40)
        extra = pw.TextField(default='')

        class Meta:
            table_name = "service_area"

    @migrator.create_model
    class ServiceAtLocation(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], on_delete='CASCADE')
        location = pw.ForeignKeyField(column_name='location_id', field='id', model=migrator.orm['location'], on_delete='RESTRICT')
        extra = pw.TextField(default='')

        class Meta:
            table_name = "service_at_location"

    @migrator.create_model
    class Taxonomy(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        name = pw.CharField(max_length=200)
        description = pw.TextField(default='')
        uri = pw.CharField(default='', max_length=500)
        version = pw.CharField(default='', max_length=60)

        class Meta:
            table_name = "taxonomy"

    @migrator.create_model
    class TaxonomyTerm(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        taxonomy = pw.ForeignKeyField(column_name='taxonomy_id', field='id', model=migrator.orm['taxonomy'], null=True, on_delete='RESTRICT')
        name = pw.CharField(max_length=200)
        description = pw.TextField(default='')
        code = pw.CharField(default='', max_length=100)
        term = pw.CharField(default='', max_length=200)
        parent_uuid = pw.CharField(default='', max_length=36)
        taxonomy_label = pw.CharField(default='', max_length=200)
        term_uri = pw.CharField(default='', max_length=500)
        maps_to = pw.ForeignKeyField(column_name='maps_to_id', field='id', model='self', null=True, on_delete='SET NULL')

        class Meta:
            table_name = "taxonomy_term"

    @migrator.create_model
    class ServiceTerm(pw.Model):
        id = pw.AutoField()
        uuid = pw.UUIDField(unique=True)
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], on_delete='CASCADE')
        term = pw.ForeignKeyField(column_name='term_id', field='id', model=migrator.orm['taxonomy_term'], on_delete='RESTRICT')
        link_type = pw.CharField(default='', max_length=60)

        class Meta:
            table_name = "service_term"
            indexes = [(('service', 'term'), True)]

    for statement in SERVICE_TEXT.create_sql(database):
        migrator.sql(statement)
    # The directory lists services by name (case-insensitive) when nothing is searched.
    migrator.sql("CREATE INDEX service_name_order ON service (lower(name), id)")
    _seed_taxonomies(migrator, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in SERVICE_TEXT.drop_sql(database):
        migrator.sql(statement)
    migrator.sql("DROP INDEX IF EXISTS service_name_order")

    migrator.remove_model('service_term')

    migrator.remove_model('taxonomy_term')

    migrator.remove_model('taxonomy')

    migrator.remove_model('service_at_location')

    migrator.remove_model('service_area')

    migrator.remove_model('phone')

    migrator.remove_model('directory_import')

    migrator.remove_model('contact')

    migrator.remove_model('service')

    migrator.remove_model('organization')

    migrator.remove_model('address')

    migrator.remove_model('location')

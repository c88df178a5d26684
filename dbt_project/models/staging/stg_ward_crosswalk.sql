with

source as (
    select * from {{ ref('ward_crosswalk_2025') }}
)

select
    nfc_normalize(old_ward_code) as old_ward_code,
    nfc_normalize(old_ward_name) as old_ward_name,
    nfc_normalize(old_ward_type) as old_ward_type,
    nfc_normalize(old_district_code) as old_district_code,
    nfc_normalize(old_district_name) as old_district_name,
    nfc_normalize(old_province_code) as old_province_code,
    nfc_normalize(old_province_name) as old_province_name,
    nfc_normalize(new_ward_code) as new_ward_code,
    nfc_normalize(new_ward_name) as new_ward_name,
    nfc_normalize(new_ward_type) as new_ward_type,
    nfc_normalize(new_province_code) as new_province_code,
    nfc_normalize(new_province_name) as new_province_name,
    merge_type,
    n_old_units_in_new
from source

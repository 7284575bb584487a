"""Clinical register for the NER model: the words of nursing and progress notes that are not names
(drugs, abbreviations, units, findings), and a generator of note lines with synthetic PHI.

Why: a voice agent reads EHR tool results, and notes are written in capitals and shorthand. A model
trained on conversation alone reads every capitalised word it does not know (PROPOFOL, MAE, SATS,
100CC, AFEBRILE) as a name. These lines teach it that clinical shorthand is not a name, while the
names and places written among it (DR. HEMSWORTH AND PRUITT AWARE, PER J. TALBOT) still are.

Sources:
  - drug names: PyPI `drug-named-entity-recognition` 2.0.9 (MIT; its dictionary is built from
    MeSH, DrugBank open data, Wikipedia and the NHS), every one-word name and synonym;
  - abbreviations, findings and phrase shapes below: written for this project from general clinical
    knowledge (no list copied), part of the project and under its licence.
"""
import bz2
import os
import pickle

import drug_named_entity_recognition

# Abbreviations found in nursing, ICU and progress notes.
ABBREVIATIONS = """
a&o a&ox3 aox3 abd abg abx ac acls adl adls afib aflutter ama amb aki amt ap ards art asa ausc av avr bal bipap bid bilat
bka bld bm bmp bp bpm brbpr bs bss bun bx c/o cabg cad cap cath cbc cc ccu cdiff chf ck cmo cmp cmv cns co2 copd cpap cpk
cr crrt csf ct cta ctab cv cva cvp cvvh cxr d/c dc dbp ddx dfa diff dka dl dm dnr dni doe dp dsd dtr dvt dx ecg echo ed
eeg egd ekg ent ett etoh ext f/u fen ffp fio2 fs fsbs ftt fx gcs gerd gi gib gsw gt gtt gtts gu h/o hct hd hep hgb hob
hr hs htn hx i&o icp icu id idk im inr io ipap iv ivf jp jvd k kcl kub lad lap lbbb lfts lle lll lllq lr ls lue lul luq
mae map mar mcg mdi meq mg mgso4 mi micu mivf ml mm mmhg mrsa mri ms mso4 mvi n/v na nad nc neb nebs neg neuro ng ngt
nkda nmt npo npn nrb nsr nstemi ns nt ntg o2 ob od ogt oob op or os ot ou pacu pca pcn pcp pcwp pe peep peg per perrl
perrla picc plt pm pmh pna po pos ppd pr prbc prn ps psv pt ptt pvc q qd qh qhs qid qod r/o rbc rll rlq rml rn rnd ros
rr rrr rsbi rue rul ruq rx s/p sat sats sbp sbt sc sicu simv sl sob sq ssi stat stemi svt sx t&c tb tbi tee tf tfs tid
tko tls tmax tpn tsh tte tv tx ua uop uri us uti vac vanc vanco vbg vf vent vq vs vss vt wbc wnl xr
""".split()

# Labels of identifiers, as forms and records print them before the value ("DEA MH5790034", "VIN
# 1HGCM…", "NPI 1234567893"): never a name, though some are spelled like one somewhere ("Dea").
IDENTIFIER_LABELS = """
dea npi mrn ssn vin dob tin ein itin iban bic swift upin nabp ncpdp mbi hicn cpt icd ndc imei iccid meid udi
acct rx sn pin ptin
""".split()

# Findings and plain words of notes that a capitalised-word model mistakes for names.
NOTE_WORDS = """
afebrile febrile diuresis diuresed diuresing bolus bolused labile stable unstable alert oriented lethargic sedated
agitated restless calm arousable responsive unresponsive intubated extubated weaned weaning titrated titrating
repleted replete drained draining patent intact clear coarse crackles rhonchi wheezes diminished absent present
distended soft tender nontender edema edematous pitting trace palpable dopplerable warm cool dry moist pink pale
mottled jaundiced diaphoretic clammy tachy tachycardic brady bradycardic hypotensive hypertensive afib sinus paced
ectopy ectopic occ rare frequent pvcs sputum secretions suctioned suction thick thin tan yellow white bloody serous
serosanguinous purulent foley voiding incontinent continent stool loose formed guaiac heme neg pos tolerating
tolerated npo tube feeds residuals flushed dressing changed site clean dry intact ambulated ambulating dangled
repositioned turned skin breakdown redness coccyx sacrum heels pressure ulcer stage wound vac drain output input
cultures pending sent drawn labs lytes electrolytes trough peak level levels goal rate gtt drip infusion titrate
weaned off held given received transfused transfusion unit units product plts pain medicated relief comfortable
sleeping slept rested awake family updated aware notified plan continue monitor follow assess reassess increase
decrease wean advance transfer transferred discharge discharged admit admitted overnight shift events uneventful
""".split()

UNITS = ["cc", "ml", "mg", "mcg", "meq", "units", "u", "l", "lpm", "cc/hr", "ml/hr", "mcg/kg/min", "mg/hr", "u/hr", "%"]
HEADERS = ["NEURO:", "CV:", "RESP:", "GI:", "GU:", "ID:", "SKIN:", "ENDO:", "HEME:", "SOCIAL:", "PLAN:", "A/P:",
           "NPN 7P-7A:", "NPN 7A-7P:", "NURSING PROGRESS NOTE:", "MICU NPN:", "CCU NURSING NOTE:", "EVENTS:", "LINES:",
           "ACCESS:", "PAIN:", "FEN:", "DISPO:", "ASSESSMENT:", "S:", "O:", "A:", "P:"]

# Note phrases. Slots: {RX} a drug, {RX2} a common drug, {AB} an abbreviation, {W} a note word, {N} a
# small number, {NN} two digits, {V} a value with a unit, {MD} a month/day date (not labelled here:
# the regex pass owns dates). PHI the model must tag: {L} surname, {F} given name, {I} an initial,
# {C} city, {FAC} facility.
PHRASES = [
    "{RX} GTT AT {N} MCG/KG/MIN", "{RX} {N}MG IV Q{N}H", "{RX2} {N} MG PO BID", "{RX} {N}MG IV X1 WITH GOOD EFFECT",
    "{RX} GTT OFF AT {NN}00", "SBP {NN}-1{NN}", "HR {NN}-{NN} {AB}, NO ECTOPY", "SATS {NN}-{NN}% ON {N}L NC",
    "CPAP {N}/{N} FIO2 {NN}%", "PSV {NN}/{N}/{NN}%", "ABG 7.{NN}-{NN}-{NN}-{NN}-{N}", "LS {W}, {W} AT BASES",
    "ABD SOFT, +BS", "FOLEY DRAINING CLEAR YELLOW URINE {NN}-{NN}{U}", "{W}, {W}", "TMAX {NN}.{N}", "K {N}.{N} REPLETED",
    "PTT {NN}", "INR {N}.{N}", "TF AT GOAL {NN}{U}", "MAE, FOLLOWS COMMANDS", "PERRL, {AB}", "A&OX3", "{AB} {NN}",
    "{AB} AND {AB} {W}", "{W} WITH {RX} {N} IV {W}", "{N} UNIT PRBC GIVEN {MD}", "{N} UNITS FFP", "{AB} {W}, {AB} {W}",
    "{RX} TROUGH {W}", "CONT {RX} AND {RX}", "{W} {RX2} {V}", "{AB}: {W}", "PLAN: WEAN {AB} AS TOLERATED",
    "TRANSFER TO {AB} {MD} IF STABLE", "{RX} {V} {AB}", "{W} {W} {W}", "{AB} {AB} {AB}", "{AB} {V} THIS AM",
    "SKIN {W}, {W}", "{RX2} HELD FOR {AB} {NN}", "{W} OVERNIGHT", "NO {AB} THIS SHIFT", "{AB} SENT, {W}",
    "{RX}/{RX} {V}", "{N}+ {W} EDEMA", "CXR {W}", "LABS {W}", "UOP {NN}-{NN}{U}", "{AB} {NN}/{NN}",
    # Words no list holds: abbreviations a unit coins, medical terms, plain words. A note is full of
    # them, and an unknown word in capitals is not therefore a name.
    "{PSEUDO} {W}", "NO {MED}", "{W} {MED}", "{D} {W}", "{PSEUDO} X{N}",
    # Diagnoses, eponyms among them ("PARKINSON DISEASE", "CROHN'S"), as a history lists them.
    "HX OF {DX}", "PMH: {DX}, {DX}", "PT WITH {DX}, ON {RX}", "{DX} FLARE", "H/O {DX} AND {DX}",
]
# Phrases naming people and places, as notes do.
PHI_PHRASES = [
    "DR. {L} AWARE", "DR. {L} AND {L} AWARE", "DRS. {L} AND {L} AT BEDSIDE", "PER {I}. {L}", "{I}. {L} NP",
    "{I}. {L}, RN", "{L} MD NOTIFIED", "SPOKE WITH DR. {L} RE: {AB}", "{REL} {F} IN TO VISIT", "{REL} ({F}) UPDATED",
    "FAMILY MEETING WITH {F} AND {F}", "{F} {L} ({REL}) CALLED", "TRANSFERRED FROM {FAC}", "LIVES IN {C}",
    "FROM {C}, LIVES WITH {REL}", "PCP DR. {L} IN {C}", "ADMITTED FROM {FAC} ON {MD}", "SEEN BY {L} (RENAL)",
    "ATTENDING {I}. {L}", "CONSULT: DR. {F} {L}", "CALLED BY {F} FROM {FAC}", "{L} FAMILY AWARE OF PLAN",
]
# Names in notes are subjects or objects of a handful of verbs; these combine into PHI phrases
# beyond the fixed ones above (`person_phrase`).
SUBJECT_VERBS = ["VISITED", "CALLED", "UPDATED", "AWARE", "NOTIFIED", "AT BEDSIDE", "PRESENT", "IN TO SEE PT",
                 "CONSULTED", "AGREES WITH PLAN", "REQUESTS CALL", "SIGNED CONSENT", "STAYED OVERNIGHT", "LEFT AT 2000",
                 "TO CALL BACK", "IS HCP", "IS PROXY", "DECLINED", "AT HOME", "IN WAITING ROOM"]
OBJECT_VERBS = ["PAGED", "CALLED", "SPOKE WITH", "NOTIFIED", "D/W", "DISCUSSED WITH", "CONSULT TO", "REFERRED TO",
                "MESSAGE LEFT FOR", "UPDATED", "SEEN BY", "EVALUATED BY", "PER", "CALL PLACED TO", "CONSENT FROM"]
TITLES = ["DR.", "DR", "RN", "NP", "PA", "MD"]
RELATIVES = ["WIFE", "HUSBAND", "SON", "DAUGHTER", "MOTHER", "FATHER", "SISTER", "BROTHER", "NIECE", "HCP", "FRIEND"]
COMMON_DRUGS = ["propofol", "fentanyl", "versed", "midazolam", "ativan", "lorazepam", "heparin", "lopressor", "metoprolol",
                "vanco", "vancomycin", "zosyn", "levophed", "neo", "dopamine", "dobutamine", "amiodarone", "diltiazem",
                "lasix", "furosemide", "kcl", "insulin", "protonix", "pantoprazole", "morphine", "dilaudid", "tylenol",
                "haldol", "precedex", "nitro", "hydralazine", "captopril", "coumadin", "lovenox", "cefepime", "flagyl",
                "levaquin", "ceftriaxone", "albuterol", "atrovent", "solumedrol", "prednisone", "colace", "senna"]


def drug_words():
    """Every one-word drug name and synonym of the drug dictionary, lowercase."""
    path = os.path.join(os.path.dirname(drug_named_entity_recognition.__file__), "drug_ner_dictionary.pkl.bz2")
    with bz2.open(path) as f:
        variants = pickle.load(f)["drug_variant_to_canonical"]
    return sorted({v for v in variants if v.isalpha() and 3 < len(v) <= 24} | set(COMMON_DRUGS))

# Roots and endings of medical terms, combined into words such as "spondylosis", "glioma",
# "tachycardia", "nephrolithiasis": terms a conversation or a note uses and no name list holds.
# The model sees them as ordinary words, so their endings (-oma, -itis, -osis…) stop reading as names.
ROOTS = """
cardi nephr hepat gastr neur oste arthr derm hem lymph my pneum encephal col cyst angi thromb spondyl gli carcin aden
lip fibr chondr mening pancreat thyr splen ur pyel rhin ot ophthalm blephar cholecyst append laryng trache bronch
esophag duoden ile proct hyster oophor orchi prostat mast phleb arteri ather myel cephal crani lumb sacr cost pleur
pericardi endocardi myocardi sigmoid ren vesic tend synov burs kerat onych trich sarc melan leuk erythr tachy brady
dys hyper hypo glyc lith hydr py ket cholangi neph retin conjunctiv sinus ton pharyng ventricul atri aort
""".split()
ENDINGS = ["itis", "osis", "oma", "omas", "emia", "algia", "ectomy", "otomy", "ostomy", "oplasty", "oscopy", "ogram",
           "ography", "opathy", "omegaly", "uria", "otrophy", "oplegia", "orrhea", "orrhage", "ocardia", "opnea",
           "iasis", "ogenic", "ology", "ologist", "ocyte", "ocytes", "openia", "ocele", "odynia", "olysis", "otoxic"]


def medical_terms(rng, count=4000):
    """Made-up-looking but well-formed medical words, for training negatives only (never shipped)."""
    terms = set()
    while len(terms) < count:
        root = rng.choice(ROOTS)
        if rng.random() < 0.3:
            root += "o" + rng.choice(ROOTS)
        terms.add(root + rng.choice(ENDINGS))
    return sorted(terms)

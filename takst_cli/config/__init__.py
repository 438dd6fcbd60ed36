"""The model file: YAML → typed, frozen config; every problem reported with its key path.

values: one value as written; bands, courses, model: the sections as typed models; checks:
across keys; load: the strict YAML reader and load_config."""

from takst_cli.config.bands import (
    HOURS_PER_WEEK as HOURS_PER_WEEK,
)
from takst_cli.config.bands import (
    UNIT_LABEL as UNIT_LABEL,
)
from takst_cli.config.bands import (
    UNIT_TO_HOURS_WEEK as UNIT_TO_HOURS_WEEK,
)
from takst_cli.config.bands import (
    Band as Band,
)
from takst_cli.config.bands import (
    BandGenerator as BandGenerator,
)
from takst_cli.config.bands import (
    CourseArt as CourseArt,
)
from takst_cli.config.bands import (
    FunctionLevel as FunctionLevel,
)
from takst_cli.config.bands import (
    LevelBasis as LevelBasis,
)
from takst_cli.config.bands import (
    LevelsConfig as LevelsConfig,
)
from takst_cli.config.bands import (
    generate_bands as generate_bands,
)
from takst_cli.config.bands import (
    solve_steps as solve_steps,
)
from takst_cli.config.checks import (
    MISSING_PRICES as MISSING_PRICES,
)
from takst_cli.config.checks import (
    WAGE_OPTIONS as WAGE_OPTIONS,
)
from takst_cli.config.checks import (
    dev_paragraph_owners as dev_paragraph_owners,
)
from takst_cli.config.checks import (
    own_paragraphs as own_paragraphs,
)
from takst_cli.config.checks import (
    semantic_problems as semantic_problems,
)
from takst_cli.config.checks import (
    semantic_warnings as semantic_warnings,
)
from takst_cli.config.courses import (
    ART_RANK as ART_RANK,
)
from takst_cli.config.courses import (
    COURSE_OPTION_HOME as COURSE_OPTION_HOME,
)
from takst_cli.config.courses import (
    MAX_COURSE_TYPES as MAX_COURSE_TYPES,
)
from takst_cli.config.courses import (
    CourseConfig as CourseConfig,
)
from takst_cli.config.courses import (
    CoursesConfig as CoursesConfig,
)
from takst_cli.config.courses import (
    CourseSpec as CourseSpec,
)
from takst_cli.config.courses import (
    DevelopmentCourse as DevelopmentCourse,
)
from takst_cli.config.courses import (
    IndividualCourse as IndividualCourse,
)
from takst_cli.config.courses import (
    NamedCourse as NamedCourse,
)
from takst_cli.config.courses import (
    StabilisingCourse as StabilisingCourse,
)
from takst_cli.config.funding import (
    FUNDING_MODELS as FUNDING_MODELS,
)
from takst_cli.config.funding import (
    Amounts as Amounts,
)
from takst_cli.config.funding import (
    FundingRule as FundingRule,
)
from takst_cli.config.funding import (
    TeamFunding as TeamFunding,
)
from takst_cli.config.load import (
    MAX_MODEL_BYTES as MAX_MODEL_BYTES,
)
from takst_cli.config.load import (
    _ModelLoader as _ModelLoader,
)
from takst_cli.config.load import (
    load_config as load_config,
)
from takst_cli.config.load import (
    parse_config as parse_config,
)
from takst_cli.config.load import (
    read_model_yaml as read_model_yaml,
)
from takst_cli.config.model import (
    BRONDERSLEV_CATEGORIES as BRONDERSLEV_CATEGORIES,
)
from takst_cli.config.model import (
    CHECKLIST as CHECKLIST,
)
from takst_cli.config.model import (
    WAGE_POST as WAGE_POST,
)
from takst_cli.config.model import (
    BudgetConfig as BudgetConfig,
)
from takst_cli.config.model import (
    CancelledBy as CancelledBy,
)
from takst_cli.config.model import (
    ClinicConfig as ClinicConfig,
)
from takst_cli.config.model import (
    Columns as Columns,
)
from takst_cli.config.model import (
    CourseWeekPrices as CourseWeekPrices,
)
from takst_cli.config.model import (
    DataFiles as DataFiles,
)
from takst_cli.config.model import (
    DelegatedNursing as DelegatedNursing,
)
from takst_cli.config.model import (
    FreeChoiceConfig as FreeChoiceConfig,
)
from takst_cli.config.model import (
    FreeChoiceCost as FreeChoiceCost,
)
from takst_cli.config.model import (
    FreeChoiceService as FreeChoiceService,
)
from takst_cli.config.model import (
    FundingConfig as FundingConfig,
)
from takst_cli.config.model import (
    HourlyPriceConfig as HourlyPriceConfig,
)
from takst_cli.config.model import (
    Indexation as Indexation,
)
from takst_cli.config.model import (
    IndexValue as IndexValue,
)
from takst_cli.config.model import (
    IndexYear as IndexYear,
)
from takst_cli.config.model import (
    ModelConfig as ModelConfig,
)
from takst_cli.config.model import (
    OverheadRate as OverheadRate,
)
from takst_cli.config.model import (
    Period as Period,
)
from takst_cli.config.model import (
    PseudonymConfig as PseudonymConfig,
)
from takst_cli.config.model import (
    ShiftsConfig as ShiftsConfig,
)
from takst_cli.config.model import (
    StaffGroup as StaffGroup,
)
from takst_cli.config.model import (
    TariffConfig as TariffConfig,
)
from takst_cli.config.model import (
    parse_deadline as parse_deadline,
)
from takst_cli.config.values import (
    AMBIGUOUS_NUMBER as AMBIGUOUS_NUMBER,
)
from takst_cli.config.values import (
    CITIZEN_WORDS as CITIZEN_WORDS,
)
from takst_cli.config.values import (
    DEFAULT_PARAGRAPHS as DEFAULT_PARAGRAPHS,
)
from takst_cli.config.values import (
    INDIRECT_KEYS as INDIRECT_KEYS,
)
from takst_cli.config.values import (
    PROVIDER_WORDS as PROVIDER_WORDS,
)
from takst_cli.config.values import (
    Amount as Amount,
)
from takst_cli.config.values import (
    Clock as Clock,
)
from takst_cli.config.values import (
    Date as Date,
)
from takst_cli.config.values import (
    Days as Days,
)
from takst_cli.config.values import (
    Growth as Growth,
)
from takst_cli.config.values import (
    HourPrice as HourPrice,
)
from takst_cli.config.values import (
    HoursWeek as HoursWeek,
)
from takst_cli.config.values import (
    Level as Level,
)
from takst_cli.config.values import (
    Minutes as Minutes,
)
from takst_cli.config.values import (
    NormHours as NormHours,
)
from takst_cli.config.values import (
    Regulation as Regulation,
)
from takst_cli.config.values import (
    Share as Share,
)
from takst_cli.config.values import (
    SourceFloat as SourceFloat,
)
from takst_cli.config.values import (
    Start as Start,
)
from takst_cli.config.values import (
    StepSize as StepSize,
)
from takst_cli.config.values import (
    Threshold as Threshold,
)
from takst_cli.config.values import (
    Wage as Wage,
)
from takst_cli.config.values import (
    Weeks as Weeks,
)
from takst_cli.config.values import (
    Year as Year,
)
from takst_cli.config.values import (
    YesNo as YesNo,
)
from takst_cli.config.values import (
    danish_number as danish_number,
)
from takst_cli.config.values import (
    read_date as read_date,
)
from takst_cli.config.values import (
    read_number as read_number,
)
from takst_cli.config.values import (
    read_share as read_share,
)
from takst_cli.config.values import (
    read_time as read_time,
)
from takst_cli.config.values import (
    read_yes_no as read_yes_no,
)

import Chassis
import Musical

Service.main(NoticeContext.self)
